import { ReceiveMessageCommand, SendMessageBatchCommand, type SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createPendingSweeperHandler, SweepIncompleteError } from '../../lambdas/pending_sweeper/handler';
import { FailedOrderRepository, OrderRepository } from '../../lambdas/shared/order-repository';
import { createTestAws, type TestAws } from '../support/aws';
import { silentLogger } from '../support/logger';
import { testMetrics } from '../support/metrics';

const OLD = '2026-01-01T00:00:00.000Z';
const RECENT = '2026-01-01T00:50:00.000Z';
const NOW = '2026-01-01T01:00:00.000Z';

describe('pending_sweeper (dynalite by_status index, fauxqs)', () => {
  // Each test has its own tables and queues.
  let aws: TestAws;
  let orders: OrderRepository;
  let failedOrders: FailedOrderRepository;
  beforeEach(async () => {
    aws = await createTestAws();
    orders = new OrderRepository(aws.db, aws.resources.ordersTable);
    failedOrders = new FailedOrderRepository(aws.db, aws.resources.failedOrdersTable);
  });

  const sweeper = (now: string, sqs: TestAws['sqs'] = aws.sqs) =>
    createPendingSweeperHandler({ orders, failedOrders, sqs, orderQueueUrl: aws.resources.orderQueueUrl, redriveAfterSeconds: 900, clock: () => now, logger: silentLogger(), metrics: testMetrics() });

  async function received(expected: number): Promise<string[]> {
    const bodies: string[] = [];
    for (let i = 0; i < 5 && bodies.length < expected; i += 1) {
      const { Messages = [] } = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.resources.orderQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      bodies.push(...Messages.map((m) => m.Body ?? ''));
    }
    return bodies;
  }

  it('re-sends exactly the PENDING orders untouched for longer than the threshold, and not again on the next sweep', async () => {
    const stuck = Array.from({ length: 12 }, (_, i) => ({ order_id: `stuck-${i}`, item: 'vase', quantity: i + 1 }));
    for (const order of stuck) await orders.createPending(order, OLD);
    await orders.createPending({ order_id: 'fresh', item: 'vase', quantity: 1 }, RECENT);
    await orders.createPending({ order_id: 'done', item: 'vase', quantity: 1 }, OLD);
    await orders.markFulfilled('done', OLD);

    await expect(sweeper(NOW)({})).resolves.toEqual({ redriven: 12, refused: 0 });
    const bodies = await received(12);
    expect(bodies.map((b) => (JSON.parse(b) as { order_id: string }).order_id).sort()).toEqual(stuck.map((o) => o.order_id).sort());
    const first = JSON.parse(bodies[0]!) as { order_id: string };
    expect(first).toEqual(stuck.find((o) => o.order_id === first.order_id));
    // Re-sent orders moved on: a backlog gains one message per redrive age, not one per sweep.
    expect(await orders.get('stuck-0')).toMatchObject({ status: 'PENDING', updated_at: NOW, resends: 1 });
    await expect(sweeper(NOW)({})).resolves.toEqual({ redriven: 0, refused: 0 });
  });

  it('re-sends every PENDING order when asked for olderThanSeconds 0 (what the local runtime does at start)', async () => {
    await orders.createPending({ order_id: 'a', item: 'cup', quantity: 1 }, OLD);
    await orders.createPending({ order_id: 'b', item: 'cup', quantity: 1 }, RECENT);
    await expect(sweeper(NOW)({ olderThanSeconds: 0 })).resolves.toEqual({ redriven: 2, refused: 0 });
  });

  it('marks FAILED, with a failed_orders row, an order whose message order_queue refuses for good, and sends the rest', async () => {
    await orders.createPending({ order_id: 'ok-1', item: 'lamp', quantity: 1 }, OLD);
    // U+FFFE is outside what SQS carries: only a row written around the schema can hold it.
    await aws.db.send(new PutCommand({ TableName: aws.resources.ordersTable, Item: { order_id: 'bad-1', item: 'lamp\ufffe', quantity: 1, status: 'PENDING', created_at: OLD, updated_at: OLD, attempts: 0 } }));
    await expect(sweeper(NOW)({})).resolves.toEqual({ redriven: 1, refused: 1 });
    expect(await orders.get('bad-1')).toMatchObject({ status: 'FAILED', failure_reason: "order_queue refused the order's message (InvalidMessageContents)" });
    expect(await failedOrders.get('bad-1')).toMatchObject({ reason: "order_queue refused the order's message (InvalidMessageContents)", attempts: 0 });
    expect((await received(1)).map((b) => (JSON.parse(b) as { order_id: string }).order_id)).toEqual(['ok-1']);
  });

  it('sends what it can and fails the invocation when order_queue refuses entries for a passing reason', async () => {
    for (const id of ['t-1', 't-2']) await orders.createPending({ order_id: id, item: 'rug', quantity: 1 }, OLD);
    // A per-entry service fault (throttling) is something no emulator produces on demand.
    const flaky = new Proxy(aws.sqs, {
      get: (target, key) =>
        key === 'send'
          ? async (command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> => {
              const [first, ...rest] = command.input.Entries ?? [];
              const sent = await target.send(new SendMessageBatchCommand({ ...command.input, Entries: rest }));
              return { ...sent, Failed: [...(sent.Failed ?? []), { Id: first!.Id, SenderFault: false, Code: 'RequestThrottled' }] };
            }
          : (Reflect.get(target, key) as unknown),
    });
    const error = await sweeper(NOW, flaky)({}).then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SweepIncompleteError);
    expect(error).toMatchObject({ retryLater: 1, redriven: 1 });
    const statuses = await Promise.all(['t-1', 't-2'].map(async (id) => (await orders.get(id))?.status));
    expect(statuses).toEqual(['PENDING', 'PENDING']);
    // The one refused keeps its age, so the next sweep tries it again.
    await expect(sweeper(NOW)({})).resolves.toEqual({ redriven: 1, refused: 0 });
  });
});
