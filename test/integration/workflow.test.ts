import { SFNClient } from '@aws-sdk/client-sfn';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Server } from 'node:http';
import { StepFunctionsOrderWorkflow } from '../../lambdas/api_handler/workflow-client';
import { createOrderStorageHandler } from '../../lambdas/order_storage/handler';
import { OrderRepository } from '../../lambdas/shared/order-repository';
import { createValidatorHandler } from '../../lambdas/validator/handler';
import { ExecutionHistory } from '../../local/executions';
import { close, listen } from '../../local/http-util';
import { LambdaFunctionError } from '../../local/lambda-host';
import { createSfnApiServer } from '../../local/sfn-api';
import { LocalStateMachine } from '../../local/step-functions';
import { createWorkflowTasks } from '../../local/workflow-tasks';
import { buildOrderWorkflow, WORKFLOW_STATES as S } from '../../topology/workflow';
import { createTestAws, type TestAws } from '../support/aws';
import { silentLogger } from '../support/logger';

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:test-workflow';

/** Wraps a handler the way Lambda reports its errors to Step Functions. */
function asLambda(handler: (event: unknown) => Promise<unknown>) {
  return async (event: unknown) => {
    try {
      return await handler(event);
    } catch (error) {
      const { name, message, stack = '' } = error as Error;
      throw new LambdaFunctionError(name, message, stack.split('\n'));
    }
  };
}

describe('Order workflow through the Step Functions API (aws-local-stepfunctions, dynalite, fauxqs)', () => {
  let aws: TestAws;
  let server: Server;
  let history: ExecutionHistory;
  let workflow: StepFunctionsOrderWorkflow;
  /** SendMessage calls still to fail: the enqueue step's SQS faults. */
  let failingSends = 0;

  // Each test has its own tables and queues: what one leaves on order_queue is not another's.
  beforeEach(async () => {
    failingSends = 0;
    aws = await createTestAws();
    const orders = new OrderRepository(aws.db, aws.resources.ordersTable);
    const clock = () => new Date().toISOString();
    const tasks = createWorkflowTasks(
      {
        validator: asLambda(createValidatorHandler()),
        orderStorage: asLambda(createOrderStorageHandler({ orders, clock, logger: silentLogger() })),
      },
      new Proxy(aws.sqs, {
        get: (target, key) =>
          key === 'send'
            ? (command: Parameters<typeof target.send>[0]) => {
                if (failingSends > 0) {
                  failingSends -= 1;
                  return Promise.reject(Object.assign(new Error('We encountered an internal error.'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }));
                }
                return target.send(command);
              }
            : (Reflect.get(target, key) as unknown),
      }),
    );
    const definition = buildOrderWorkflow({
      validatorFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:validator',
      orderStorageFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:order_storage',
      orderQueueUrl: aws.resources.orderQueueUrl,
    });
    history = new ExecutionHistory();
    // The retries themselves run as deployed; only their waits (1, 2, 4 s with jitter) are cut short.
    const retryIntervalOverrides = { [S.validate]: 5, [S.store]: 5, [S.enqueue]: 5 };
    server = createSfnApiServer(new LocalStateMachine(definition, tasks, ARN, history, { retryIntervalOverrides }));
    const port = await listen(server, 0, '127.0.0.1');
    const sfn = new SFNClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      disableHostPrefix: true,
    });
    workflow = new StepFunctionsOrderWorkflow(sfn, ARN);
  });
  afterEach(() => close(server));

  it('accepts a new order, stores it and puts exactly it on order_queue', async () => {
    const order = { order_id: 'wf-new', item: 'laptop', quantity: 2 };
    await expect(workflow.submit(order)).resolves.toEqual({ kind: 'accepted', orderId: 'wf-new', status: 'PENDING', duplicate: false });
    const { Messages = [] } = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.resources.orderQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(Messages.map((m) => JSON.parse(m.Body ?? '') as unknown)).toEqual([order]);
  });

  it('fails an invalid order at the validation state with every bad field, storing nothing', async () => {
    const outcome = await workflow.submit({ order_id: 'wf-bad', item: 7, quantity: 0 });
    expect(outcome).toEqual({
      kind: 'invalid',
      details: [
        { field: 'item', message: 'must be a string' },
        { field: 'quantity', message: 'must be at least 1' },
      ],
    });
    const [execution] = history.list('wf-bad');
    expect(execution).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
    expect(execution!.states.filter((s) => s.event === 'entered').map((s) => s.name)).toEqual([S.validate, S.rejectInvalid]);
    expect(await new OrderRepository(aws.db, aws.resources.ordersTable).get('wf-bad')).toBeUndefined();
  });

  it('an enqueue that keeps failing fails the workflow as SQS.AmazonSQSException, and the same POST again enqueues the stored order', async () => {
    const order = { order_id: 'wf-sqs-down', item: 'desk', quantity: 1 };
    failingSends = 4; // the first attempt and all 3 retries
    await expect(workflow.submit(order)).resolves.toMatchObject({ kind: 'failed', error: 'SQS.AmazonSQSException' });
    expect(failingSends).toBe(0);
    // Stored but not enqueued (api_handler acknowledges it; the sweeper would send it): a resubmission,
    // a duplicate, enqueues it at once.
    await expect(workflow.submit(order)).resolves.toEqual({ kind: 'accepted', orderId: 'wf-sqs-down', status: 'PENDING', duplicate: true });
    const received = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.resources.orderQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect((received.Messages ?? []).map((m) => (JSON.parse(m.Body ?? '') as { order_id: string }).order_id)).toContain('wf-sqs-down');
  });

  it('answers a duplicate with its status and a different payload with a conflict', async () => {
    const order = { order_id: 'wf-dup', item: 'phone', quantity: 1 };
    await workflow.submit(order);
    await expect(workflow.submit(order)).resolves.toMatchObject({ kind: 'accepted', duplicate: true, status: 'PENDING' });
    await expect(workflow.submit({ ...order, item: 'tablet' })).resolves.toEqual({ kind: 'conflict' });
  });
});
