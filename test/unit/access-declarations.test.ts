import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { SendMessageBatchCommand, type SendMessageBatchCommandOutput, type SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createApiHandler } from '../../lambdas/api_handler/handler';
import { StepFunctionsOrderWorkflow } from '../../lambdas/api_handler/workflow-client';
import { createDlqHandler } from '../../lambdas/dlq_handler/handler';
import { createFulfillOrderHandler } from '../../lambdas/fulfill_order/handler';
import { createOrderStorageHandler } from '../../lambdas/order_storage/handler';
import { createPendingSweeperHandler } from '../../lambdas/pending_sweeper/handler';
import { FailedOrderRepository, OrderRepository } from '../../lambdas/shared/order-repository';
import { createValidatorHandler } from '../../lambdas/validator/handler';
import {
  ENV,
  environmentOf,
  FUNCTION_ACCESS,
  grantedActions,
  STATE_MACHINE_ACCESS,
  statementsOf,
  type Access,
  type ResourceRef,
  type ResourceResolver,
} from '../../topology/access';
import { readEnv } from '../../topology/env';
import { FUNCTION_KEYS, type FunctionKey } from '../../topology/functions';
import { QUEUE_CONSUMERS } from '../../topology/queues';
import { buildOrderWorkflow } from '../../topology/workflow';
import { apiEvent } from '../support/api-events';
import { silentLogger } from '../support/logger';
import { testMetrics } from '../support/metrics';
import { sqsEvent, sqsRecord } from '../support/sqs-events';
import { intercept, useInProcessDynamoDb } from '../support/in-process-dynamodb';

/**
 * topology/access.ts is what every role is granted and every function is told. Not restated here:
 * each handler is run through its paths with clients that record what it calls, and what it calls must
 * be exactly what its declaration grants (nothing missing: AccessDenied on AWS; nothing more: not least
 * privilege). Actions are named as the Service Authorization Reference names them.
 */
const ACCOUNT = '123456789012';
const MACHINE_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:dofs-dev-order-workflow`;
const queueUrl = (queue: string) => `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/dofs-dev-${queue}`;
const queueArn = (queue: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:dofs-dev-${queue}`;
const functionArn = (key: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:dofs-dev-${key}`;

/** The IAM action each SDK command needs (SendMessageBatch is authorized as sqs:SendMessage). */
const DYNAMODB_ACTIONS = new Map<unknown, string>([
  [GetCommand, 'dynamodb:GetItem'],
  [PutCommand, 'dynamodb:PutItem'],
  [UpdateCommand, 'dynamodb:UpdateItem'],
  [QueryCommand, 'dynamodb:Query'],
]);

/** A strict resolver: it knows the two tables, the two queues, the state machine and the functions, nothing else. */
function resolverFor(tables: { ordersTable: string; failedOrdersTable: string }): ResourceResolver {
  const tableArn = (name: string) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${name}`;
  const tableName = (table: string) => {
    if (table === 'orders') return tables.ordersTable;
    if (table === 'failed_orders') return tables.failedOrdersTable;
    throw new Error(`no table ${table}`);
  };
  const queueName = (queue: string) => {
    if (queue === 'order_queue' || queue === 'order_dlq') return queue;
    throw new Error(`no queue ${queue}`);
  };
  const resolver: ResourceResolver = {
    arns: (ref: ResourceRef) => {
      switch (ref.kind) {
        case 'table':
          return [`${tableArn(tableName(ref.table))}${ref.index === undefined ? '' : `/index/${ref.index}`}`];
        case 'queue':
          return [queueArn(queueName(ref.queue))];
        case 'stateMachine':
          return [MACHINE_ARN];
        case 'function':
          if (!FUNCTION_KEYS.includes(ref.function)) throw new Error(`no function ${ref.function}`);
          return [functionArn(ref.function)];
        default:
          throw new Error(`no resource of kind ${(ref as { kind: string }).kind}`);
      }
    },
    identifier: (ref: ResourceRef, carries: string) => {
      if (carries === 'arn') return resolver.arns(ref)[0]!;
      if (carries === 'name' && ref.kind === 'table') return tableName(ref.table);
      if (carries === 'url' && ref.kind === 'queue') return queueUrl(queueName(ref.queue));
      throw new Error(`a ${ref.kind} has no identifier "${carries}"`);
    },
  };
  return resolver;
}

const pairs = (statements: { actions: readonly string[]; resources: readonly string[] }[]) =>
  [...new Set(statements.flatMap((s) => s.actions.flatMap((action) => s.resources.map((resource) => `${action} ${resource}`))))].sort();

const isConsumerGrant = (entry: Access) => entry.actions.includes('sqs:ReceiveMessage');

describe('topology/access.ts: what each function is granted is what its handler calls', () => {
  const dynamo = useInProcessDynamoDb();
  const sfn = mockClient(SFNClient);
  afterAll(() => sfn.restore());
  afterEach(() => sfn.reset());

  /** Runs `scenario` for one function with recording clients built from its declared environment. */
  async function callsOf(key: FunctionKey, scenario: (env: Record<string, string>, clients: Clients) => Promise<void>) {
    const tables = await dynamo.newTables();
    const resolver = resolverFor(tables);
    const declared = FUNCTION_ACCESS[key].access.filter((entry) => !isConsumerGrant(entry));
    const env = environmentOf(FUNCTION_ACCESS[key].access, resolver);
    const called: string[] = [];
    const arnOfTable = (name: string) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${name}`;
    const db = intercept(dynamo.db, (command, send) => {
      const action = DYNAMODB_ACTIONS.get(command.constructor);
      if (!action) throw new Error(`unexpected DynamoDB command ${command.constructor.name}`);
      const input = (command as { input: { TableName?: string; IndexName?: string } }).input;
      called.push(`${action} ${arnOfTable(input.TableName ?? '')}${input.IndexName ? `/index/${input.IndexName}` : ''}`);
      return send(command);
    });
    const sqs = {
      send: async (command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> => {
        if (!(command instanceof SendMessageBatchCommand)) throw new Error('unexpected SQS command');
        const url = command.input.QueueUrl ?? '';
        called.push(`sqs:SendMessage ${queueArn(url.split('/').pop()!.replace('dofs-dev-', ''))}`);
        const entries = command.input.Entries ?? [];
        // The second order is refused for good (a sender fault), so the sweeper's failure path runs too.
        return { $metadata: {}, Successful: [], Failed: entries.map((entry, n) => ({ Id: entry.Id, SenderFault: n > 0, Code: n > 0 ? 'InvalidMessageContents' : 'ServiceUnavailable' })) };
      },
    } as unknown as Pick<SQSClient, 'send'>;
    const succeeded = async (accepted: boolean) => {
      sfn.on(StartSyncExecutionCommand).resolves(
        accepted
          ? { status: 'SUCCEEDED', output: JSON.stringify({ order_id: 'o-1', status: 'PENDING', duplicate: false, enqueue: true }) }
          : { status: 'FAILED', error: 'States.TaskFailed', cause: 'x' },
      );
    };
    await scenario(env, { db, sqs, sfn: new SFNClient({ region: 'us-east-1' }), respond: succeeded });
    for (const call of sfn.commandCalls(StartSyncExecutionCommand)) called.push(`states:StartSyncExecution ${call.args[0].input.stateMachineArn}`);
    return { used: [...new Set(called)].sort(), granted: pairs(statementsOf(declared, resolver)) };
  }

  interface Clients {
    db: DynamoDBDocumentClient;
    sqs: Pick<SQSClient, 'send'>;
    sfn: SFNClient;
    respond: (accepted: boolean) => Promise<void>;
  }

  const T0 = '2026-01-01T00:00:00.000Z';
  const order = { order_id: 'o-1', item: 'laptop', quantity: 1 };

  it('api_handler', async () => {
    const { used, granted } = await callsOf('api_handler', async (env, { db, sfn: client, respond }) => {
      const handler = createApiHandler({
        workflow: new StepFunctionsOrderWorkflow(client, readEnv(env, (read) => read.arn(ENV.stateMachineArn))),
        orders: new OrderRepository(db, readEnv(env, (read) => read.required(ENV.ordersTable))),
        logger: silentLogger(),
        metrics: testMetrics(),
      });
      await respond(true);
      await handler(apiEvent('POST', '/orders', { body: JSON.stringify(order) }));
      await respond(false);
      await handler(apiEvent('POST', '/orders', { body: JSON.stringify(order) }));
      await handler(apiEvent('GET', '/orders/o-1'));
    });
    expect(used).toEqual(granted);
    expect(used).not.toEqual([]);
  });

  it('validator', async () => {
    const { used, granted } = await callsOf('validator', async () => {
      await createValidatorHandler()(order);
    });
    expect(used).toEqual([]);
    expect(granted).toEqual([]);
  });

  it('order_storage', async () => {
    const { used, granted } = await callsOf('order_storage', async (env, { db }) => {
      const store = createOrderStorageHandler({ orders: new OrderRepository(db, readEnv(env, (read) => read.required(ENV.ordersTable))), clock: () => T0, logger: silentLogger() });
      await store(order);
      await store(order);
    });
    expect(used).toEqual(granted);
    expect(used).not.toEqual([]);
  });

  it('fulfill_order', async () => {
    const { used, granted } = await callsOf('fulfill_order', async (env, { db }) => {
      const orders = new OrderRepository(db, readEnv(env, (read) => read.required(ENV.ordersTable)));
      await orders.createPending(order, T0);
      await orders.createPending({ ...order, order_id: 'o-2' }, T0);
      const draws = [0.1, 0.9];
      await createFulfillOrderHandler({ orders, failureThreshold: 0.5, random: () => draws.shift()!, clock: () => T0, logger: silentLogger(), metrics: testMetrics() })(
        sqsEvent(sqsRecord(order, 'm-1'), sqsRecord({ ...order, order_id: 'o-2' }, 'm-2')),
      );
    });
    // createPending (the test's own set-up) goes through the same client: leave its PutItem out.
    expect(used.filter((call) => !call.startsWith('dynamodb:PutItem'))).toEqual(granted);
    expect(granted).not.toEqual([]);
  });

  it('dlq_handler', async () => {
    const { used, granted } = await callsOf('dlq_handler', async (env, { db }) => {
      const orders = new OrderRepository(db, readEnv(env, (read) => read.required(ENV.ordersTable)));
      const failedOrders = new FailedOrderRepository(db, readEnv(env, (read) => read.required(ENV.failedOrdersTable)));
      await createDlqHandler({ orders, failedOrders, clock: () => T0, logger: silentLogger(), metrics: testMetrics() })(sqsEvent(sqsRecord(order, 'd-1')));
    });
    expect(used).toEqual(granted);
    expect(used).not.toEqual([]);
  });

  it('pending_sweeper', async () => {
    const { used, granted } = await callsOf('pending_sweeper', async (env, { db, sqs }) => {
      const orders = new OrderRepository(db, readEnv(env, (read) => read.required(ENV.ordersTable)));
      const failedOrders = new FailedOrderRepository(db, readEnv(env, (read) => read.required(ENV.failedOrdersTable)));
      for (const id of ['o-1', 'o-2']) await orders.createPending({ ...order, order_id: id }, T0);
      const sweep = createPendingSweeperHandler({ orders, failedOrders, sqs, orderQueueUrl: readEnv(env, (read) => read.httpUrl(ENV.orderQueueUrl)), redriveAfterSeconds: 0, clock: () => '2026-01-01T01:00:00.000Z', logger: silentLogger(), metrics: testMetrics() });
      await expect(sweep({})).rejects.toThrow();
      const resent = createPendingSweeperHandler({ orders, failedOrders, sqs: { send: async () => ({ $metadata: {}, Successful: [], Failed: [] }) }, orderQueueUrl: readEnv(env, (read) => read.httpUrl(ENV.orderQueueUrl)), redriveAfterSeconds: 0, clock: () => '2026-01-01T02:00:00.000Z', logger: silentLogger(), metrics: testMetrics() });
      await resent({});
    });
    // The test's own createPending calls aside, it writes only failed_orders rows.
    expect(used.filter((call) => !call.startsWith('dynamodb:PutItem') || !/table\/t\d+-orders$/.test(call))).toEqual(granted);
    expect(granted).not.toEqual([]);
  });
});

describe('topology/access.ts: the grants no handler call shows', () => {
  it('lets each queue\'s consumer, and no other function, drain it (Lambda\'s SQS event source: receive, delete, attributes)', () => {
    const consumers = FUNCTION_KEYS.flatMap((key) => FUNCTION_ACCESS[key].access.filter(isConsumerGrant).map((entry) => [key, entry] as const));
    expect(consumers.map(([key, entry]) => [key, entry.resources])).toEqual(
      QUEUE_CONSUMERS.map((consumer) => [consumer.consumer, [{ kind: 'queue', queue: consumer.queue.baseName }]]),
    );
    for (const [, entry] of consumers) expect([...entry.actions].sort()).toEqual(['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage']);
    expect(consumers.map(([key]) => key).sort()).toEqual(['dlq_handler', 'fulfill_order']);
  });

  it('lets the state machine invoke exactly its Lambda tasks and send to exactly the queue its definition names', () => {
    const resolver = resolverFor({ ordersTable: 'dofs-dev-orders', failedOrdersTable: 'dofs-dev-failed_orders' });
    const definition = buildOrderWorkflow({ validatorFunctionArn: functionArn('validator'), orderStorageFunctionArn: functionArn('order_storage'), orderQueueUrl: queueUrl('order_queue') });
    const tasks = Object.values(definition.States as Record<string, { Type: string; Resource?: string; Parameters?: { QueueUrl?: string } }>).filter((state) => state.Type === 'Task');
    const needed = tasks.map((task) =>
      task.Resource === 'arn:aws:states:::sqs:sendMessage' ? `sqs:SendMessage ${queueArn(task.Parameters!.QueueUrl!.split('/').pop()!.replace('dofs-dev-', ''))}` : `lambda:InvokeFunction ${task.Resource}`,
    );
    expect(pairs(statementsOf(STATE_MACHINE_ACCESS, resolver))).toEqual([...new Set(needed)].sort());
  });

  it('names every statement uniquely within its policy, in letters and digits (IAM Sid), PascalCase after what it grants', () => {
    for (const access of [...FUNCTION_KEYS.map((key) => FUNCTION_ACCESS[key].access), STATE_MACHINE_ACCESS]) {
      const sids = access.map((entry) => entry.sid);
      for (const sid of sids) expect(sid).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(new Set(sids).size).toBe(sids.length);
    }
    for (const consumer of QUEUE_CONSUMERS) {
      const grant = FUNCTION_ACCESS[consumer.consumer].access.find(isConsumerGrant)!;
      expect(grant.sid).toMatch(/^Consume(?:[A-Z][a-z0-9]*)+$/);
      expect(grant.sid.toLowerCase()).toBe(`consume${consumer.queue.baseName.replace(/[^a-z0-9]/g, '')}`);
    }
  });

  it('tells each function its resources in the form its handler requires', () => {
    const resolver = resolverFor({ ordersTable: 'dofs-dev-orders', failedOrdersTable: 'dofs-dev-failed_orders' });
    const env = (key: FunctionKey) => environmentOf(FUNCTION_ACCESS[key].access, resolver);
    expect(env('api_handler')).toEqual({ [ENV.ordersTable]: 'dofs-dev-orders', [ENV.stateMachineArn]: MACHINE_ARN });
    expect(env('pending_sweeper')).toEqual({ [ENV.ordersTable]: 'dofs-dev-orders', [ENV.failedOrdersTable]: 'dofs-dev-failed_orders', [ENV.orderQueueUrl]: queueUrl('order_queue') });
    expect(env('validator')).toEqual({});
  });

  it('lists every granted action once, under its service, sorted', () => {
    const granted = grantedActions();
    const every = new Set([...FUNCTION_KEYS.flatMap((key) => FUNCTION_ACCESS[key].access), ...STATE_MACHINE_ACCESS].flatMap((entry) => entry.actions));
    expect(Object.values(granted).flat().sort()).toEqual([...every].sort());
    for (const [service, actions] of Object.entries(granted)) {
      expect(actions).toEqual([...new Set(actions)].sort());
      for (const action of actions) expect(action.startsWith(`${service}:`)).toBe(true);
    }
    expect(Object.keys(granted).sort()).toEqual(['dynamodb', 'lambda', 'sqs', 'states']);
  });
});
