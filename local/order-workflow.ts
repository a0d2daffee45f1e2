import type { FunctionKey } from '../topology/functions';
import { buildOrderWorkflow } from '../topology/workflow';
import type { LocalAuthorizer } from './authorizer';
import { localSqsClient } from './aws-clients';
import type { ExecutionHistory } from './executions';
import type { LocalFunction } from './lambda-host';
import { LOCAL_STATE_MACHINE_ARN, localFunctionArn } from './names';
import type { LocalResources } from './resources';
import type { LocalRole } from './roles';
import { logDenial } from './runtime-log';
import { LocalStateMachine } from './step-functions';
import { createWorkflowTasks } from './workflow-tasks';

/**
 * What Step Functions reports when its role may not invoke a task's function: the Lambda service's
 * AccessDeniedException, surfaced as Lambda.AWSLambdaException (a name the workflow's Retry lists).
 */
export class LambdaInvokeDeniedError extends Error {
  constructor(message: string) {
    super(`${message} (Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException)`);
    this.name = 'Lambda.AWSLambdaException';
  }
}

export interface OrderWorkflowOptions {
  readonly resources: LocalResources;
  /** The state machine's role: it invokes the tasks' functions and sends to order_queue with it. */
  readonly role: LocalRole;
  readonly authorizer: LocalAuthorizer;
  readonly sqsEndpoint: string;
  readonly history: ExecutionHistory;
  /** Told of each execution's billed transitions and duration (the runtime's stats). */
  readonly observe: (transitions: number, durationMs: number) => void;
  /**
   * A task's function, looked up when the task runs: the functions are loaded once the Step Functions
   * endpoint (which api_handler's environment names) is listening.
   */
  readonly functionOf: (key: FunctionKey) => LocalFunction;
}

export interface OrderWorkflow {
  /** The definition that deploys (topology/workflow.ts), with the local function ARNs and queue URL. */
  readonly definition: Record<string, unknown>;
  readonly stateMachine: LocalStateMachine;
}

/** The order workflow as the local Step Functions runs it, acting with the state machine's role. */
export function createOrderWorkflow(options: OrderWorkflowOptions): OrderWorkflow {
  const { role, authorizer } = options;
  const definition = buildOrderWorkflow({
    validatorFunctionArn: localFunctionArn('validator'),
    orderStorageFunctionArn: localFunctionArn('order_storage'),
    orderQueueUrl: options.resources.orderQueueUrl,
  });
  // The state machine invokes its tasks with its own role (lambda:InvokeFunction on each function).
  const invokeAsStateMachine = (key: FunctionKey) => async (event: unknown) => {
    const decision = authorizer.authorizeAction(role.credentials.accessKeyId, 'lambda:InvokeFunction', localFunctionArn(key));
    if (!decision.allowed) {
      logDenial(decision.denial);
      throw new LambdaInvokeDeniedError(decision.message);
    }
    return options.functionOf(key).invoke(event);
  };
  const tasks = createWorkflowTasks(
    { validator: invokeAsStateMachine('validator'), orderStorage: invokeAsStateMachine('order_storage') },
    localSqsClient(options.sqsEndpoint, { credentials: role.credentials }),
  );
  const stateMachine = new LocalStateMachine(definition, tasks, LOCAL_STATE_MACHINE_ARN, options.history, { observe: options.observe });
  return { definition, stateMachine };
}
