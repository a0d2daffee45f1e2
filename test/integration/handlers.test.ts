import { createHash } from 'node:crypto';
import { createDlqHandler } from '../../lambdas/dlq_handler/handler';
import { createFulfillOrderHandler } from '../../lambdas/fulfill_order/handler';
import { createOrderStorageHandler } from '../../lambdas/order_storage/handler';
import { OrderConflictError, ValidationError } from '../../lambdas/shared/errors';
import { FailedOrderRepository, OrderRepository } from '../../lambdas/shared/order-repository';
import { createTestAws, type TestAws } from '../support/aws';
import { fixedClock, orderFactory } from '../support/orders';
import { captureLogger, silentLogger } from '../support/logger';
import { testMetrics } from '../support/metrics';
import { sqsEvent, sqsRecord } from '../support/sqs-events';

const clock = fixedClock;
const newOrder = orderFactory('order', 'laptop', 1);

describe('Handlers against dynalite', () => {
  let aws: TestAws;
  let orders: OrderRepository;
  let failedOrders: FailedOrderRepository;

  beforeAll(async () => {
    aws = await createTestAws();
    orders = new OrderRepository(aws.db, aws.resources.ordersTable);
    failedOrders = new FailedOrderRepository(aws.db, aws.resources.failedOrdersTable);
  });

  describe('order_storage', () => {
    const store = () => createOrderStorageHandler({ orders, clock, logger: silentLogger() });

    it('stores a new order as PENDING and asks for it to be enqueued', async () => {
      const order = newOrder();
      await expect(store()(order)).resolves.toEqual({ order_id: order.order_id, status: 'PENDING', duplicate: false, enqueue: true });
      expect(await orders.get(order.order_id)).toMatchObject({ ...order, status: 'PENDING', attempts: 0 });
    });

    it('answers a duplicate with the stored status and enqueues again only while PENDING', async () => {
      const order = newOrder();
      await store()(order);
      await expect(store()(order)).resolves.toEqual({ order_id: order.order_id, status: 'PENDING', duplicate: true, enqueue: true });
      await orders.markFulfilled(order.order_id, clock());
      await expect(store()(order)).resolves.toEqual({ order_id: order.order_id, status: 'FULFILLED', duplicate: true, enqueue: false });
    });

    it('rejects the same order_id with a different payload, leaving the stored order alone', async () => {
      const order = newOrder();
      await store()(order);
      await expect(store()({ ...order, quantity: 5 })).rejects.toThrow(OrderConflictError);
      expect((await orders.get(order.order_id))?.quantity).toBe(1);
    });

    it('refuses input that is not an order, storing nothing', async () => {
      await expect(store()({ order_id: 'x-1', item: 'a' })).rejects.toThrow(ValidationError);
      expect(await orders.get('x-1')).toBeUndefined();
    });
  });

  describe('fulfill_order', () => {
    it('fulfills every order when FAILURE_THRESHOLD is 1.0', async () => {
      const [a, b] = [newOrder(), newOrder()];
      await orders.createPending(a, clock());
      await orders.createPending(b, clock());
      const { logger, lines } = captureLogger();
      const handler = createFulfillOrderHandler({ orders, failureThreshold: 1, clock, logger, metrics: testMetrics() });
      await expect(handler(sqsEvent(sqsRecord(a, 'm1'), sqsRecord(b, 'm2')))).resolves.toEqual({ batchItemFailures: [] });
      expect((await orders.get(a.order_id))?.status).toBe('FULFILLED');
      expect((await orders.get(b.order_id))?.status).toBe('FULFILLED');
      expect(lines.filter((l) => l.outcome === 'fulfilled').map((l) => l.order_id).sort()).toEqual([a.order_id, b.order_id].sort());
    });

    it('reports only the failed records as batch item failures and counts the attempt', async () => {
      const [ok, bad] = [newOrder(), newOrder()];
      await orders.createPending(ok, clock());
      await orders.createPending(bad, clock());
      // First record draws 0.1 (< 0.5: succeeds), second 0.9 (>= 0.5: fails).
      const draws = [0.1, 0.9];
      const handler = createFulfillOrderHandler({ orders, failureThreshold: 0.5, random: () => draws.shift()!, clock, logger: silentLogger(), metrics: testMetrics() });
      const response = await handler(sqsEvent(sqsRecord(ok, 'ok'), sqsRecord(bad, 'bad')));
      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
      expect(await orders.get(ok.order_id)).toMatchObject({ status: 'FULFILLED', attempts: 0 });
      expect(await orders.get(bad.order_id)).toMatchObject({ status: 'PENDING', attempts: 1, last_error: expect.stringContaining('simulated') });
    });

    it('fails every attempt when FAILURE_THRESHOLD is 0.0', async () => {
      const order = newOrder();
      await orders.createPending(order, clock());
      const handler = createFulfillOrderHandler({ orders, failureThreshold: 0, random: () => 0, clock, logger: silentLogger(), metrics: testMetrics() });
      await expect(handler(sqsEvent(sqsRecord(order, 'm')))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm' }] });
    });

    it('never fulfills twice: a redelivered message for a final order is acknowledged and changes nothing', async () => {
      const order = newOrder();
      await orders.createPending(order, clock());
      const { logger, lines } = captureLogger();
      const handler = createFulfillOrderHandler({ orders, failureThreshold: 1, clock: () => '2026-01-01T00:00:01.000Z', logger, metrics: testMetrics() });
      await handler(sqsEvent(sqsRecord(order, 'm', 1)));
      const afterFirst = await orders.get(order.order_id);
      await expect(handler(sqsEvent(sqsRecord(order, 'm', 2)))).resolves.toEqual({ batchItemFailures: [] });
      expect(await orders.get(order.order_id)).toEqual(afterFirst);
      expect(lines.map((l) => l.outcome)).toEqual(['fulfilled', 'skipped']);
    });

    it('drops a failing attempt for an order that is already final instead of retrying it', async () => {
      const order = newOrder();
      await orders.createPending(order, clock());
      await orders.markFailed(order.order_id, 'gave up', clock());
      const handler = createFulfillOrderHandler({ orders, failureThreshold: 0, clock, logger: silentLogger(), metrics: testMetrics() });
      await expect(handler(sqsEvent(sqsRecord(order, 'm')))).resolves.toEqual({ batchItemFailures: [] });
    });

    it('reports a malformed message as a failure, so it ends on the DLQ, and logs what is wrong and all of it', async () => {
      const { logger, lines } = captureLogger();
      const handler = createFulfillOrderHandler({ orders, failureThreshold: 1, clock, logger, metrics: testMetrics() });
      const body = JSON.stringify({ order_id: 'm-1', item: 'x'.repeat(300), quantity: 0 });
      await expect(handler(sqsEvent(sqsRecord(body, 'm', 2)))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm' }] });
      expect(lines).toEqual([
        expect.objectContaining({
          level: 'ERROR',
          outcome: 'malformed',
          message_id: 'm',
          receive_count: 2,
          problem: 'body is not an order: item must be at most 200 characters; quantity must be at least 1',
          body,
          body_bytes: body.length,
          body_sha256: createHash('sha256').update(body).digest('hex'),
        }),
      ]);
    });
  });

  describe('dlq_handler', () => {
    const dlq = () => createDlqHandler({ orders, failedOrders, clock, logger: silentLogger(), metrics: testMetrics() });

    it('marks the order FAILED and writes one failed_orders row, even when redelivered', async () => {
      const order = newOrder();
      await orders.createPending(order, clock());
      for (let i = 0; i < 3; i += 1) await orders.recordFailedAttempt(order.order_id, 'simulated failure', clock());
      await expect(dlq()(sqsEvent(sqsRecord(order, 'd1', 4)))).resolves.toEqual({ batchItemFailures: [] });
      await expect(dlq()(sqsEvent(sqsRecord(order, 'd2', 5)))).resolves.toEqual({ batchItemFailures: [] });
      expect(await orders.get(order.order_id)).toMatchObject({ status: 'FAILED', failure_reason: 'simulated failure', attempts: 3 });
      expect(await failedOrders.get(order.order_id)).toEqual({
        order_id: order.order_id,
        item: 'laptop',
        quantity: 1,
        reason: 'simulated failure',
        attempts: 3,
        receive_count: 4,
        failed_at: clock(),
      });
    });

    it('records nothing for an order that a duplicate message already fulfilled', async () => {
      const order = newOrder();
      await orders.createPending(order, clock());
      await orders.markFulfilled(order.order_id, clock());
      await dlq()(sqsEvent(sqsRecord(order, 'd')));
      expect(await failedOrders.get(order.order_id)).toBeUndefined();
      expect((await orders.get(order.order_id))?.status).toBe('FULFILLED');
    });

    it('still records an order it cannot find, from the message itself', async () => {
      const order = newOrder();
      await dlq()(sqsEvent(sqsRecord(order, 'd')));
      expect(await failedOrders.get(order.order_id)).toMatchObject({ item: 'laptop', quantity: 1, attempts: 0 });
    });

    it('acknowledges a malformed message with one log line holding all of it, escaped', async () => {
      const { logger, lines } = captureLogger();
      const handler = createDlqHandler({ orders, failedOrders, clock, logger, metrics: testMetrics() });
      const body = `{"x":"\u001b[31m${'y'.repeat(1_000)}`;
      await expect(handler(sqsEvent(sqsRecord(body, 'd', 4)))).resolves.toEqual({ batchItemFailures: [] });
      expect(lines).toEqual([expect.objectContaining({ outcome: 'dropped', message_id: 'd', receive_count: 4, body, problem: expect.stringMatching(/^body is not JSON \(/) })]);
    });
  });
});
