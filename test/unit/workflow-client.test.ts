import { SFNClient, StartSyncExecutionCommand, type StartSyncExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { StepFunctionsOrderWorkflow } from '../../lambdas/api_handler/workflow-client';
import { ValidationError } from '../../lambdas/shared/errors';
import { buildOrderWorkflow, WORKFLOW_STATES } from '../../topology/workflow';

// No emulator runs a synchronous Express execution to every end state on demand, so the SFN client is
// mocked with the StartSyncExecution answers the Step Functions API reference documents.
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:dofs-dev-order-workflow';
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:express:dofs-dev-order-workflow:e-1:x';
const order = { order_id: 'order-1', item: 'laptop', quantity: 1 };

/** How Step Functions reports a Lambda task's error in Cause: errorType, errorMessage and a trace. */
const lambdaCause = (error: Error) => JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: [`${error.name}: ${error.message}`, '    at handler (index.mjs:1:1)'] });

describe('StepFunctionsOrderWorkflow', () => {
  const sfn = mockClient(SFNClient);
  afterEach(() => sfn.reset());
  afterAll(() => sfn.restore());

  const answer = (output: Partial<StartSyncExecutionCommandOutput>) => {
    sfn.on(StartSyncExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date(0), stopDate: new Date(0), ...output });
    return new StepFunctionsOrderWorkflow(new SFNClient({ region: 'us-east-1' }), MACHINE);
  };

  it('starts the state machine with the order where the workflow reads it', async () => {
    const workflow = answer({ status: 'SUCCEEDED', output: JSON.stringify({ order_id: 'order-1', status: 'PENDING', duplicate: false, enqueue: true }) });
    await workflow.submit(order);
    const [call] = sfn.commandCalls(StartSyncExecutionCommand);
    expect(call!.args[0].input.stateMachineArn).toBe(MACHINE);
    // The first state reads its input at InputPath ($.order).
    const firstState = (buildOrderWorkflow({ validatorFunctionArn: 'v', orderStorageFunctionArn: 's', orderQueueUrl: 'q' }).States as Record<string, { InputPath: string }>)[WORKFLOW_STATES.validate]!;
    const input = JSON.parse(call!.args[0].input.input ?? 'null') as Record<string, unknown>;
    expect(input[firstState.InputPath.replace('$.', '')]).toEqual(order);
  });

  it('reads an accepted order from a SUCCEEDED execution\'s output', async () => {
    const workflow = answer({ status: 'SUCCEEDED', output: JSON.stringify({ order_id: 'order-1', status: 'FULFILLED', duplicate: true, enqueue: false }) });
    await expect(workflow.submit(order)).resolves.toEqual({ kind: 'accepted', orderId: 'order-1', status: 'FULFILLED', duplicate: true });
  });

  it('reads the invalid fields from the ValidationError a FAILED execution carries in its Cause', async () => {
    const details = [{ field: 'quantity', message: 'must be at least 1' }];
    const workflow = answer({ status: 'FAILED', error: 'ValidationError', cause: lambdaCause(new ValidationError(details)) });
    await expect(workflow.submit(order)).resolves.toEqual({ kind: 'invalid', details });
  });

  it('reads the details from a Cause that is the error message itself', async () => {
    const details = [{ field: 'item', message: 'is required' }];
    for (const cause of [new ValidationError(details).message, JSON.stringify({ errorMessage: 42, details })]) {
      const workflow = answer({ status: 'FAILED', error: 'ValidationError', cause });
      await expect(workflow.submit(order)).resolves.toEqual({ kind: 'invalid', details });
    }
  });

  it.each([
    ['no Cause', undefined],
    ['a Cause that is not JSON', 'Task timed out'],
    ['a Lambda error whose message carries no details', lambdaCause(new Error('boom'))],
  ])('still answers "invalid", naming the body, for a ValidationError with %s', async (_, cause) => {
    const workflow = answer({ status: 'FAILED', error: 'ValidationError', ...(cause === undefined ? {} : { cause }) });
    await expect(workflow.submit(order)).resolves.toEqual({ kind: 'invalid', details: [{ field: 'body', message: expect.stringMatching(/\w/) }] });
  });

  it('answers a conflict for a FAILED execution with OrderConflictError', async () => {
    const workflow = answer({ status: 'FAILED', error: 'OrderConflictError', cause: lambdaCause(new Error('order order-1 already exists with a different payload')) });
    await expect(workflow.submit(order)).resolves.toEqual({ kind: 'conflict' });
  });

  it.each([
    ['a FAILED execution with any other error', { status: 'FAILED', error: 'States.TaskFailed', cause: 'x' }, 'States.TaskFailed'],
    ['a TIMED_OUT execution', { status: 'TIMED_OUT', error: 'States.Timeout' }, 'States.Timeout'],
    ['a TIMED_OUT execution naming no error', { status: 'TIMED_OUT' }, 'TIMED_OUT'],
  ] as const)('answers "failed" for %s, with the error and the execution', async (_, output, error) => {
    const workflow = answer(output);
    await expect(workflow.submit(order)).resolves.toEqual({ kind: 'failed', error, executionArn: EXECUTION });
  });

  it('answers "failed" with some error name even for an answer without a status', async () => {
    sfn.on(StartSyncExecutionCommand).resolves({});
    const workflow = new StepFunctionsOrderWorkflow(new SFNClient({ region: 'us-east-1' }), MACHINE);
    await expect(workflow.submit(order)).resolves.toEqual({ kind: 'failed', error: expect.stringMatching(/^[A-Z]+$/), executionArn: undefined });
  });
});
