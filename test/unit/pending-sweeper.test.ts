import { SendMessageBatchCommand, type BatchResultErrorEntry, type SendMessageBatchCommandOutput, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { createPendingSweeperHandler, SweepIncompleteError, type SweepRequest } from '../../lambdas/pending_sweeper/handler';
import { FailedOrderRepository, OrderRepository } from '../../lambdas/shared/order-repository';
import { awsError } from '../support/faults';
import { captureLogger } from '../support/logger';
import { testMetrics } from '../support/metrics';
import { useInProcessDynamoDb } from '../support/in-process-dynamodb';

const NOW = '2026-01-01T01:00:00.000Z';
const minutesBefore = (minutes: number) => new Date(Date.parse(NOW) - minutes * 60_000).toISOString();
const secondsBefore = (seconds: number) => new Date(Date.parse(NOW) - seconds * 1000).toISOString();
const OLD = minutesBefore(60);
/** Ten minutes: younger than the 15-minute redrive age the tests configure (900 s). */
const RECENT = minutesBefore(10);
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/dofs-dev-order_queue';

type Refusal = Omit<BatchResultErrorEntry, 'Id'>;

/**
 * order_queue as SendMessageBatch documents it: at most 10 entries with distinct ids, none for an empty
 * batch, and a per-entry answer (Successful, or Failed with SenderFault and Code). `refuse` picks the
 * entries it fails; `during` runs while the batch is in flight.
 */
function fakeQueue(refuse: (order: { order_id: string }) => Refusal | undefined = () => undefined, during?: () => Promise<void>) {
  const batches: SendMessageBatchRequestEntry[][] = [];
  const send = async (command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> => {
    if (!(command instanceof SendMessageBatchCommand)) throw new Error('order_queue only receives SendMessageBatch here');
    const { QueueUrl, Entries = [] } = command.input;
    if (QueueUrl !== QUEUE_URL) throw awsError('AWS.SimpleQueueService.NonExistentQueue');
    if (Entries.length === 0) throw awsError('AWS.SimpleQueueService.EmptyBatchRequest');
    if (Entries.length > 10) throw awsError('AWS.SimpleQueueService.TooManyEntriesInBatchRequest');
    if (new Set(Entries.map((entry) => entry.Id)).size !== Entries.length) throw awsError('AWS.SimpleQueueService.BatchEntryIdsNotDistinct');
    batches.push(Entries);
    await during?.();
    const answers = Entries.map((entry) => ({ entry, refusal: refuse(JSON.parse(entry.MessageBody ?? '{}') as { order_id: string }) }));
    const failed = answers.flatMap(({ entry, refusal }) => (refusal ? [{ Id: entry.Id, ...refusal }] : []));
    return {
      $metadata: {},
      Successful: answers.flatMap(({ entry, refusal }) => (refusal ? [] : [{ Id: entry.Id, MessageId: `m-${entry.Id}`, MD5OfMessageBody: '' }])),
      Failed: failed,
    };
  };
  const sent = () => batches.flat().map((entry) => JSON.parse(entry.MessageBody ?? '{}') as Record<string, unknown>);
  return { sqs: { send } as unknown as Pick<SQSClient, 'send'>, batches, sent };
}

describe('pending_sweeper (in-process dynalite, a fake order_queue)', () => {
  const dynamo = useInProcessDynamoDb();
  let orders: OrderRepository;
  let failedOrders: FailedOrderRepository;
  beforeEach(async () => {
    ({ orders, failedOrders } = await dynamo.newRepositories());
  });

  const sweeper = (queue: ReturnType<typeof fakeQueue>) => {
    const { logger, lines } = captureLogger();
    const handler = createPendingSweeperHandler({ orders, failedOrders, sqs: queue.sqs, orderQueueUrl: QUEUE_URL, redriveAfterSeconds: 900, clock: () => NOW, logger, metrics: testMetrics() });
    return { sweep: (event?: SweepRequest) => handler(event), lines };
  };
  const pending = async (orderId: string, at: string, item = 'vase', quantity = 1) => {
    await orders.createPending({ order_id: orderId, item, quantity }, at);
  };

  it('re-sends the PENDING orders untouched for longer than the redrive age, ten to a batch, as order messages', async () => {
    const stuck = Array.from({ length: 12 }, (_, n) => ({ order_id: `stuck-${n}`, item: `vase ${n}`, quantity: n + 1 }));
    for (const order of stuck) await pending(order.order_id, OLD, order.item, order.quantity);
    await pending('fresh', RECENT);
    await pending('done', OLD);
    await orders.markFulfilled('done', OLD);
    const queue = fakeQueue();
    const { sweep, lines } = sweeper(queue);

    await expect(sweep({})).resolves.toEqual({ redriven: 12, refused: 0 });
    expect(queue.batches.map((batch) => batch.length)).toEqual([10, 2]);
    expect(queue.sent().sort((a, b) => String(a.order_id).localeCompare(String(b.order_id)))).toEqual(stuck.sort((a, b) => a.order_id.localeCompare(b.order_id)));
    await expect(orders.get('stuck-3')).resolves.toMatchObject({ status: 'PENDING', updated_at: NOW, resends: 1 });
    await expect(orders.get('fresh')).resolves.toMatchObject({ updated_at: RECENT });
    await expect(orders.get('fresh')).resolves.not.toHaveProperty('resends');
    expect(lines).toEqual([expect.objectContaining({ level: 'INFO', redriven: 12, refused: 0, retry_later: 0, older_than_seconds: 900 })]);
    expect(lines[0]!.message).toMatch(/\w{3,}/);
  });

  it('leaves an order alone until it is older than the redrive age, to the second', async () => {
    await pending('at-age', secondsBefore(900));
    await pending('past-age', secondsBefore(901));
    const queue = fakeQueue();
    await expect(sweeper(queue).sweep({})).resolves.toEqual({ redriven: 1, refused: 0 });
    expect(queue.sent().map((order) => order.order_id)).toEqual(['past-age']);
  });

  it('does not re-send on the next sweep what it just re-sent, and sends no empty batch', async () => {
    await pending('stuck', OLD);
    const queue = fakeQueue();
    const { sweep, lines } = sweeper(queue);
    await expect(sweep()).resolves.toEqual({ redriven: 1, refused: 0 });
    await expect(sweep()).resolves.toEqual({ redriven: 0, refused: 0 });
    expect(queue.batches).toHaveLength(1);
    // The log tells a sweep that re-sent something (outcome "redriven", like its count) from one that found nothing.
    const [busy, idle] = lines.map((line) => line.outcome);
    expect(busy).toBe('redriven');
    expect(idle).toMatch(/^[a-z-]+$/);
    expect(idle).not.toBe(busy);
  });

  it.each<[string, SweepRequest | undefined, string[], number]>([
    ['olderThanSeconds 0 (the local runtime at start)', { olderThanSeconds: 0 }, ['fresh', 'old'], 0],
    ['olderThanSeconds 1200', { olderThanSeconds: 1200 }, ['old'], 1200],
    ['a negative olderThanSeconds (the redrive age applies)', { olderThanSeconds: -5 }, ['old'], 900],
    ['an olderThanSeconds that is not a number', { olderThanSeconds: '0' as unknown as number }, ['old'], 900],
    ['a scheduled event (no olderThanSeconds)', {}, ['old'], 900],
    ['no event at all', undefined, ['old'], 900],
    ['an age older than the epoch (nothing is that old)', { olderThanSeconds: 1e300 }, [], 1e300],
  ])('re-sends by %s', async (_, event, expected, olderThan) => {
    await pending('old', OLD);
    await pending('fresh', RECENT);
    const queue = fakeQueue();
    const { sweep, lines } = sweeper(queue);
    await sweep(event);
    expect(queue.sent().map((order) => order.order_id).sort()).toEqual(expected);
    expect(lines[0]).toMatchObject({ older_than_seconds: olderThan });
  });

  it('marks FAILED, with a failed_orders row, an order whose message order_queue refuses for good, and sends the rest', async () => {
    await pending('ok-1', OLD);
    await pending('bad-1', OLD, 'lamp', 3);
    await pending('bad-2', OLD);
    const queue = fakeQueue((order) => {
      if (order.order_id === 'bad-1') return { SenderFault: true, Code: 'InvalidMessageContents', Message: 'invalid characters' };
      if (order.order_id === 'bad-2') return { SenderFault: true, Code: undefined };
      return undefined;
    });
    const { sweep, lines } = sweeper(queue);
    await expect(sweep()).resolves.toEqual({ redriven: 1, refused: 2 });
    const failedOrder = await orders.get('bad-1');
    expect(failedOrder).toMatchObject({ status: 'FAILED', failed_at: NOW });
    expect(failedOrder?.failure_reason).toContain('InvalidMessageContents');
    await expect(failedOrders.get('bad-1')).resolves.toEqual({ order_id: 'bad-1', item: 'lamp', quantity: 3, reason: failedOrder?.failure_reason, attempts: 0, receive_count: 0, failed_at: NOW });
    // A refusal without a code is still recorded, with a reason that says so.
    const uncoded = await orders.get('bad-2');
    expect(uncoded?.status).toBe('FAILED');
    expect(uncoded?.failure_reason).toMatch(/\(\w+\)/);
    await expect(orders.get('ok-1')).resolves.toMatchObject({ status: 'PENDING', resends: 1 });
    const errors = lines.filter((line) => line.level === 'ERROR');
    expect(errors).toEqual([
      expect.objectContaining({ order_id: 'bad-1', error: 'InvalidMessageContents', outcome: expect.stringMatching(/\w/) }),
      expect.objectContaining({ order_id: 'bad-2' }),
    ]);
    expect(errors[0]!.message).toMatch(/\w{3,}/);
    expect(lines.at(-1)).toMatchObject({ level: 'INFO', redriven: 1, refused: 2, retry_later: 0 });
  });

  it('records nothing for a refused order that was fulfilled while the batch was in flight', async () => {
    await pending('raced', OLD);
    const queue = fakeQueue(() => ({ SenderFault: true, Code: 'InvalidMessageContents' }), async () => {
      await orders.markFulfilled('raced', NOW);
    });
    const { sweep, lines } = sweeper(queue);
    await expect(sweep()).resolves.toEqual({ redriven: 0, refused: 1 });
    await expect(orders.get('raced')).resolves.toMatchObject({ status: 'FULFILLED' });
    await expect(failedOrders.get('raced')).resolves.toBeUndefined();
    expect(lines.filter((line) => line.level === 'ERROR')).toEqual([]);
  });

  it('sends what it can, then fails the invocation when order_queue refuses entries for a passing reason', async () => {
    for (const id of ['t-1', 't-2', 't-3']) await pending(id, OLD);
    const queue = fakeQueue((order) => (order.order_id === 't-2' ? { SenderFault: false, Code: 'RequestThrottled' } : undefined));
    const { sweep, lines } = sweeper(queue);
    const error = await sweep().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(SweepIncompleteError);
    expect(error).toMatchObject({ name: 'SweepIncompleteError', retryLater: 1, redriven: 2 });
    expect((error as Error).message).toMatch(/^1 PENDING orders .*\(2 were\)/);
    // The one refused keeps its age, so the next sweep tries it again; nothing is marked FAILED.
    await expect(orders.get('t-2')).resolves.toMatchObject({ status: 'PENDING', updated_at: OLD });
    await expect(orders.get('t-1')).resolves.toMatchObject({ updated_at: NOW });
    expect(lines).toEqual([expect.objectContaining({ level: 'INFO', redriven: 2, refused: 0, retry_later: 1 })]);
  });
});
