import { createHash } from 'node:crypto';
import { createDlqHandler } from '../../lambdas/dlq_handler/handler';
import { createFulfillOrderHandler } from '../../lambdas/fulfill_order/handler';
import { FailedOrderRepository, OrderRepository } from '../../lambdas/shared/order-repository';
import { withFaults } from '../support/faults';
import { captureLogger, type CapturedLine } from '../support/logger';
import { testMetrics } from '../support/metrics';
import { sqsEvent, sqsRecord } from '../support/sqs-events';
import { useInProcessDynamoDb } from '../support/in-process-dynamodb';

const T0 = '2026-01-01T00:00:00.000Z';
const NOW = '2026-01-01T00:05:00.000Z';
const clock = () => NOW;
const laptop = (orderId: string) => ({ order_id: orderId, item: 'laptop', quantity: 2 });

/** Every line a handler writes says what happened in words, not only in fields. */
function expectReadable(lines: CapturedLine[]): void {
  for (const line of lines) expect(line.message).toMatch(/\w{3,}/);
}

describe('fulfill_order and dlq_handler (in-process dynalite)', () => {
  const dynamo = useInProcessDynamoDb();
  let ordersTable: string;
  let orders: OrderRepository;
  let failedOrders: FailedOrderRepository;
  beforeEach(async () => {
    ({ ordersTable, orders, failedOrders } = await dynamo.newRepositories());
  });

  describe('fulfill_order', () => {
    const fulfiller = (failureThreshold: number, random?: () => number, repository = orders) => {
      const { logger, lines } = captureLogger();
      const handler = createFulfillOrderHandler({ orders: repository, failureThreshold, clock, logger, metrics: testMetrics(), ...(random ? { random } : {}) });
      return { handler, lines };
    };

    it('fulfills a PENDING order and says so, with the order and its receive count', async () => {
      await orders.createPending(laptop('o-1'), T0);
      const { handler, lines } = fulfiller(1);
      await expect(handler(sqsEvent(sqsRecord(laptop('o-1'), 'm-1', 2)))).resolves.toEqual({ batchItemFailures: [] });
      await expect(orders.get('o-1')).resolves.toMatchObject({ status: 'FULFILLED', fulfilled_at: NOW, attempts: 0 });
      expect(lines).toEqual([expect.objectContaining({ level: 'INFO', order_id: 'o-1', receive_count: 2, outcome: 'fulfilled' })]);
      expectReadable(lines);
    });

    it('fails an attempt when the draw is at or above FAILURE_THRESHOLD, and only then', async () => {
      // README: an attempt fails when Math.random() >= FAILURE_THRESHOLD.
      for (const id of ['at', 'above', 'below']) await orders.createPending(laptop(id), T0);
      // One draw per record, in the batch's order: at the threshold, above it, just below it.
      const draws = [0.5, 0.75, 0.4999];
      const records = ['at', 'above', 'below'].map((id) => sqsRecord(laptop(id), `m-${id}`));
      const { handler } = fulfiller(0.5, () => draws.shift()!);
      const response = await handler(sqsEvent(...records));
      expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['m-above', 'm-at']);
      expect(draws).toEqual([]);
      await expect(orders.get('below')).resolves.toMatchObject({ status: 'FULFILLED' });
      await expect(orders.get('at')).resolves.toMatchObject({ status: 'PENDING', attempts: 1 });
    });

    it('counts a failed attempt with its reason and reports the record for redelivery', async () => {
      await orders.createPending(laptop('o-1'), T0);
      const { handler, lines } = fulfiller(0.25, () => 0.9);
      await expect(handler(sqsEvent(sqsRecord(laptop('o-1'), 'm-1', 1)))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
      const stored = await orders.get('o-1');
      expect(stored).toMatchObject({ status: 'PENDING', attempts: 1, updated_at: NOW });
      // The reason names the setting that made it fail, for whoever reads the order.
      expect(stored?.last_error).toContain('FAILURE_THRESHOLD=0.25');
      expect(lines).toEqual([expect.objectContaining({ level: 'WARN', order_id: 'o-1', receive_count: 1, outcome: 'retry', reason: stored?.last_error })]);
      expectReadable(lines);
    });

    it('always fails at FAILURE_THRESHOLD 0.0 and never at 1.0 with the real random source', async () => {
      for (const id of ['a', 'b', 'c', 'd']) await orders.createPending(laptop(id), T0);
      const failing = await fulfiller(0).handler(sqsEvent(sqsRecord(laptop('a'), 'm-a'), sqsRecord(laptop('b'), 'm-b')));
      // A batch where every record failed is reported record by record, not thrown.
      expect(failing.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['m-a', 'm-b']);
      const succeeding = await fulfiller(1).handler(sqsEvent(sqsRecord(laptop('c'), 'm-c'), sqsRecord(laptop('d'), 'm-d')));
      expect(succeeding).toEqual({ batchItemFailures: [] });
    });

    it('drops, without retrying, a failing attempt for an order that is already final', async () => {
      await orders.createPending(laptop('o-1'), T0);
      await orders.markFailed('o-1', 'gave up', T0);
      const { handler, lines } = fulfiller(0, () => 0.5);
      await expect(handler(sqsEvent(sqsRecord(laptop('o-1'), 'm-1')))).resolves.toEqual({ batchItemFailures: [] });
      await expect(orders.get('o-1')).resolves.toMatchObject({ status: 'FAILED', attempts: 0 });
      expect(lines).toEqual([expect.objectContaining({ level: 'INFO', order_id: 'o-1', outcome: 'skipped' })]);
      expectReadable(lines);
    });

    it('acknowledges a redelivered message for a fulfilled order without changing it', async () => {
      await orders.createPending(laptop('o-1'), T0);
      const { handler, lines } = fulfiller(1);
      await handler(sqsEvent(sqsRecord(laptop('o-1'), 'm-1', 1)));
      const first = await orders.get('o-1');
      await expect(handler(sqsEvent(sqsRecord(laptop('o-1'), 'm-1', 2)))).resolves.toEqual({ batchItemFailures: [] });
      await expect(orders.get('o-1')).resolves.toEqual(first);
      expect(lines.map((line) => line.outcome)).toEqual(['fulfilled', 'skipped']);
      expect(lines[0]!.message).not.toBe(lines[1]!.message);
      expectReadable(lines);
    });

    it('reports the record for redelivery when the table fails, logging the error name', async () => {
      await orders.createPending(laptop('o-1'), T0);
      const throttled = new OrderRepository(withFaults(dynamo.db, [{ command: 'UpdateCommand', error: 'ProvisionedThroughputExceededException', times: 1 }]), ordersTable);
      const { handler, lines } = fulfiller(1, undefined, throttled);
      await expect(handler(sqsEvent(sqsRecord(laptop('o-1'), 'm-1', 3)))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
      expect(lines).toEqual([expect.objectContaining({ level: 'ERROR', order_id: 'o-1', receive_count: 3, outcome: 'retry', error: 'ProvisionedThroughputExceededException' })]);
      expectReadable(lines);
    });

    it('reports a message that is not an order for redelivery, so that it ends on the DLQ, logging all of it', async () => {
      const { handler, lines } = fulfiller(1);
      await expect(handler(sqsEvent(sqsRecord('{"order_id":', 'm-1', 2), sqsRecord({ order_id: 'o-1' }, 'm-2')))).resolves.toEqual({
        batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }],
      });
      expect(lines).toEqual([
        expect.objectContaining({ level: 'ERROR', message_id: 'm-1', receive_count: 2, body: '{"order_id":', problem: expect.stringMatching(/JSON/) }),
        expect.objectContaining({ level: 'ERROR', message_id: 'm-2', body: '{"order_id":"o-1"}', problem: expect.stringMatching(/item.*quantity/) }),
      ]);
      expect(new Set(lines.map((line) => line.outcome)).size).toBe(1);
      expect(lines[0]!.outcome).toMatch(/\w/);
      expectReadable(lines);
    });
  });

  describe('dlq_handler', () => {
    const dlq = (repository = orders) => {
      const { logger, lines } = captureLogger();
      return { handler: createDlqHandler({ orders: repository, failedOrders, clock, logger, metrics: testMetrics() }), lines };
    };

    it('marks the order FAILED with its last error, and writes one failed_orders row from the table', async () => {
      await orders.createPending(laptop('o-1'), T0);
      await orders.recordFailedAttempt('o-1', 'simulated failure', T0);
      await orders.recordFailedAttempt('o-1', 'simulated failure', T0);
      await orders.recordFailedAttempt('o-1', 'last failure', T0);
      const { handler, lines } = dlq();
      await expect(handler(sqsEvent(sqsRecord(laptop('o-1'), 'd-1', 4)))).resolves.toEqual({ batchItemFailures: [] });
      await expect(orders.get('o-1')).resolves.toMatchObject({ status: 'FAILED', failure_reason: 'last failure', failed_at: NOW, attempts: 3 });
      await expect(failedOrders.get('o-1')).resolves.toEqual({ order_id: 'o-1', item: 'laptop', quantity: 2, reason: 'last failure', attempts: 3, receive_count: 4, failed_at: NOW });
      expect(lines).toEqual([expect.objectContaining({ level: 'WARN', order_id: 'o-1', outcome: 'failed', order_missing: false, receive_count: 4 })]);
      expectReadable(lines);
    });

    it('takes item and quantity from the table, which is the order, rather than from the message', async () => {
      await orders.createPending(laptop('o-1'), T0);
      const { handler } = dlq();
      await handler(sqsEvent(sqsRecord({ order_id: 'o-1', item: 'phone', quantity: 9 }, 'd-1')));
      await expect(failedOrders.get('o-1')).resolves.toMatchObject({ item: 'laptop', quantity: 2, attempts: 0 });
    });

    it('gives a reason that points at the DLQ when no attempt recorded one', async () => {
      await orders.createPending(laptop('o-1'), T0);
      const { handler } = dlq();
      await handler(sqsEvent(sqsRecord(laptop('o-1'), 'd-1')));
      const row = await failedOrders.get('o-1');
      expect(row?.reason).toMatch(/order_dlq/);
      await expect(orders.get('o-1')).resolves.toMatchObject({ failure_reason: row?.reason });
    });

    it('converges on one row when the message is delivered again', async () => {
      await orders.createPending(laptop('o-1'), T0);
      const { handler, lines } = dlq();
      await handler(sqsEvent(sqsRecord(laptop('o-1'), 'd-1', 1)));
      const first = await failedOrders.get('o-1');
      await expect(handler(sqsEvent(sqsRecord(laptop('o-1'), 'd-1', 2)))).resolves.toEqual({ batchItemFailures: [] });
      await expect(failedOrders.get('o-1')).resolves.toEqual(first);
      expect(lines.map((line) => line.outcome)).toEqual(['failed', 'duplicate']);
      expect(lines[0]!.message).not.toBe(lines[1]!.message);
      expectReadable(lines);
    });

    it('records nothing for an order a duplicate message fulfilled in the meantime', async () => {
      await orders.createPending(laptop('o-1'), T0);
      await orders.markFulfilled('o-1', T0);
      const { handler, lines } = dlq();
      await expect(handler(sqsEvent(sqsRecord(laptop('o-1'), 'd-1')))).resolves.toEqual({ batchItemFailures: [] });
      await expect(failedOrders.get('o-1')).resolves.toBeUndefined();
      await expect(orders.get('o-1')).resolves.toMatchObject({ status: 'FULFILLED' });
      expect(lines).toEqual([expect.objectContaining({ level: 'INFO', order_id: 'o-1', outcome: 'skipped' })]);
      expectReadable(lines);
    });

    it('records an order it cannot find from the message itself, saying it was missing', async () => {
      const { handler, lines } = dlq();
      await handler(sqsEvent(sqsRecord(laptop('o-9'), 'd-1', 3)));
      await expect(failedOrders.get('o-9')).resolves.toEqual({ order_id: 'o-9', item: 'laptop', quantity: 2, reason: expect.stringMatching(/order_dlq/), attempts: 0, receive_count: 3, failed_at: NOW });
      expect(lines).toEqual([expect.objectContaining({ outcome: 'failed', order_missing: true })]);
    });

    it('drops a malformed message, logging all of it to find and replay it, and handles the rest of the batch', async () => {
      await orders.createPending(laptop('o-1'), T0);
      const { handler, lines } = dlq();
      const body = `{"x":"é${'y'.repeat(500)}`;
      const partial = '{"order_id":"o-1"}';
      await expect(handler(sqsEvent(sqsRecord(body, 'bad', 3), sqsRecord(partial, 'partial'), sqsRecord(laptop('o-1'), 'good')))).resolves.toEqual({ batchItemFailures: [] });
      const dropped = lines.filter((line) => line.outcome === 'dropped');
      expect(dropped).toEqual([
        expect.objectContaining({ level: 'ERROR', message_id: 'bad', receive_count: 3, body, body_bytes: 508, body_sha256: createHash('sha256').update(body).digest('hex'), problem: expect.stringMatching(/JSON/) }),
        expect.objectContaining({ level: 'ERROR', message_id: 'partial', body: partial, problem: expect.stringMatching(/item.*quantity/) }),
      ]);
      await expect(failedOrders.get('o-1')).resolves.toBeDefined();
      expectReadable(lines);
    });

    it('reports the record for redelivery when the table fails', async () => {
      await orders.createPending(laptop('o-1'), T0);
      const throttled = new OrderRepository(withFaults(dynamo.db, [{ command: 'GetCommand', error: 'ProvisionedThroughputExceededException', times: 1 }]), ordersTable);
      const { handler } = dlq(throttled);
      await expect(handler(sqsEvent(sqsRecord(laptop('o-1'), 'd-1')))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'd-1' }] });
    });
  });
});
