import { StartSyncExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { WORKFLOW_ERRORS } from '../../topology/workflow';
import { ValidationError, type FieldProblem } from '../shared/errors';
import type { OrderStatus } from '../shared/order';

/** How a synchronous run of the order workflow ended, in the API's terms. */
export type WorkflowOutcome =
  | { kind: 'accepted'; orderId: string; status: OrderStatus; duplicate: boolean }
  | { kind: 'invalid'; details: FieldProblem[] }
  | { kind: 'conflict' }
  | { kind: 'failed'; error: string; executionArn?: string | undefined };

export interface OrderWorkflow {
  submit(order: unknown): Promise<WorkflowOutcome>;
}

/**
 * The message inside a Lambda error's Cause. Step Functions wraps a Lambda error as
 * {"errorType","errorMessage","trace"}; only the message is used, the trace never leaves this function.
 */
function lambdaErrorMessage(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}

/** Starts the Express state machine with StartSyncExecution and waits for its result. */
export class StepFunctionsOrderWorkflow implements OrderWorkflow {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async submit(order: unknown): Promise<WorkflowOutcome> {
    const result = await this.sfn.send(
      new StartSyncExecutionCommand({ stateMachineArn: this.stateMachineArn, input: JSON.stringify({ order }) }),
    );
    if (result.status === 'SUCCEEDED') {
      const output = JSON.parse(result.output ?? '{}') as { order_id: string; status: OrderStatus; duplicate: boolean };
      return { kind: 'accepted', orderId: output.order_id, status: output.status, duplicate: output.duplicate };
    }
    if (result.status === 'FAILED' && result.error === WORKFLOW_ERRORS.validation) {
      const details = ValidationError.detailsFromMessage(lambdaErrorMessage(result.cause));
      return { kind: 'invalid', details: details ?? [{ field: 'body', message: 'is not a valid order' }] };
    }
    if (result.status === 'FAILED' && result.error === WORKFLOW_ERRORS.conflict) {
      return { kind: 'conflict' };
    }
    return { kind: 'failed', error: result.error ?? result.status ?? 'UNKNOWN', executionArn: result.executionArn };
  }
}
