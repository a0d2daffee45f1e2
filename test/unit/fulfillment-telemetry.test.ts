import { createDlqHandler } from '../../lambdas/dlq_handler/handler';
import { createFulfillOrderHandler } from '../../lambdas/fulfill_order/handler';
import { FailedOrderRepository, OrderRepository } from '../../lambdas/shared/order-repository';
import { withFaults } from '../support/faults';
import { useInProcessDynamoDb } from '../support/in-process-dynamodb';
import { lambdaContext } from '../support/lambda-context';
import { captureLogger } from '../support/logger';
import { businessMetric, testMetrics, undeclaredFor, useEmfCapture } from '../support/metrics';
import { sqsEvent, sqsRecord } from '../support/sqs-events';

/** Accepted at T0, completed five minutes later: a TimeToFulfilled or TimeToFailed of 300 000 ms. */
const T0 = '2026-01-01T00:00:00.000Z';
const NOW = '2026-01-01T00:05:00.000Z';
const clock = () => NOW;
const laptop = (orderId: string) => ({ order_id: orderId, item: 'laptop', quantity: 2 });

const fulfilled = businessMetric('OrdersFulfilled', 'Count', [1]);
const attemptFailed = businessMetric('FulfillmentAttemptsFailed', 'Count', [1]);
/** The times to fulfilled of `orders` orders, on one line. */
const timeToFulfilled = (orders = 1) => businessMetric('TimeToFulfilled', 'Milliseconds', Array<number>(orders).fill(300_000));
const timeToFailed = businessMetric('TimeToFailed', 'Milliseconds', [300_000]);
const deadLettered = businessMetric('OrdersDeadLettered', 'Count', [1]);
const failed = businessMetric('OrdersFailed', 'Count', [1]);

describe('fulfill_order and dlq_handler: business metrics and log lines (in-process dynalite)', () => {
  const dynamo = useInProcessDynamoDb();
  const emf = useEmfCapture();
  let ordersTable: string;
  let failedOrdersTable: string;
  let orders: OrderRepository;
  let failedOrders: FailedOrderRepository;
  beforeEach(async () => {
    ({ ordersTable, failedOrdersTable, orders, failedOrders } = await dynamo.newRepositories());
  });

  describe('fulfill_order', () => {
    const fulfiller = (failureThreshold: number, random?: () => number, repository = orders) => {
      const { logger, lines } = captureLogger();
      const handler = createFulfillOrderHandler({ orders: repository, failureThreshold, clock, logger, metrics: testMetrics(), ...(random ? { random } : {}) });
      return { handler, lines };
    };

    it('counts an order it fulfills, with the time from its acceptance, and nothing else, on one EMF line', async () => {
      await orders.createPending(laptop('o-1'), T0);
      await fulfiller(1).handler(sqsEvent(sqsRecord(laptop('o-1'), 'm-1')), lambdaContext('dofs-dev-fulfill_order'));
      // One line, both metrics on it with the dimensions service and environment only (businessMetric's).
      expect(emf.lines()).toHaveLength(1);
      expect(emf.emitted()).toEqual([fulfilled, timeToFulfilled()]);
      expect(undeclaredFor('fulfill_order', emf.emitted())).toEqual([]);
    });

    it('counts a failed attempt that SQS will deliver again, and nothing else', async () => {
      await orders.createPending(laptop('o-1'), T0);
      await fulfiller(0.5, () => 0.9).handler(sqsEvent(sqsRecord(laptop('o-1'), 'm-1')));
      expect(emf.emitted()).toEqual([attemptFailed]);
    });

    it('counts an attempt the table failed as a failed attempt: SQS delivers it again just the same', async () => {
      await orders.createPending(laptop('o-1'), T0);
      const throttled = new OrderRepository(withFaults(dynamo.db, [{ command: 'UpdateCommand', error: 'ProvisionedThroughputExceededException', times: 1 }]), ordersTable);
      await expect(fulfiller(1, undefined, throttled).handler(sqsEvent(sqsRecord(laptop('o-1'), 'm-1')))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
      expect(emf.emitted()).toEqual([attemptFailed]);
    });

    it('counts nothing for a redelivered message of an order already FULFILLED: it was counted once, when fulfilled', async () => {
      await orders.createPending(laptop('o-1'), T0);
      const { handler } = fulfiller(1);
      await handler(sqsEvent(sqsRecord(laptop('o-1'), 'm-1', 1)));
      const first = emf.emitted();
      await handler(sqsEvent(sqsRecord(laptop('o-1'), 'm-1', 2)));
      expect(emf.emitted()).toEqual(first);
    });

    it('counts nothing for a failing attempt at an order already final (its message is dropped, not retried)', async () => {
      await orders.createPending(laptop('o-1'), T0);
      await orders.markFailed('o-1', 'gave up', T0);
      await fulfiller(0, () => 0.5).handler(sqsEvent(sqsRecord(laptop('o-1'), 'm-1')));
      expect(emf.lines()).toEqual([]);
    });

    it('counts nothing for a message that is not an order: no order attempted', async () => {
      await fulfiller(1).handler(sqsEvent(sqsRecord('{"order_id":', 'm-1')));
      expect(emf.lines()).toEqual([]);
    });

    it('prints a batch\'s metrics, its times to fulfilled among them, on one line at the end of the invocation', async () => {
      for (const id of ['a', 'b', 'c']) await orders.createPending(laptop(id), T0);
      const draws = [0.1, 0.9, 0.1];
      await fulfiller(0.5, () => draws.shift()!).handler(sqsEvent(sqsRecord(laptop('a'), 'm-a'), sqsRecord(laptop('b'), 'm-b'), sqsRecord(laptop('c'), 'm-c')));
      const lines = emf.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toEqual([expect.objectContaining({ OrdersFulfilled: [1, 1], FulfillmentAttemptsFailed: 1, TimeToFulfilled: [300_000, 300_000] })]);
      expect(emf.emitted().filter((metric) => metric.name === 'TimeToFulfilled')).toEqual([timeToFulfilled(2)]);
    });

    it('writes every line with the request id and cold-start flag, and each order\'s with its order_id', async () => {
      for (const id of ['o-1', 'o-2']) await orders.createPending(laptop(id), T0);
      const { handler, lines } = fulfiller(1);
      await handler(sqsEvent(sqsRecord(laptop('o-1'), 'm-1'), sqsRecord('not json', 'm-x')), lambdaContext('dofs-dev-fulfill_order', 'request-1'));
      await handler(sqsEvent(sqsRecord(laptop('o-2'), 'm-2')), lambdaContext('dofs-dev-fulfill_order', 'request-2'));
      // A batch's records are handled concurrently: their lines come in either order.
      expect(lines.map((line) => [line.function_request_id, line.cold_start, line.order_id ?? line.message_id]).sort()).toEqual([
        ['request-1', true, 'm-x'],
        ['request-1', true, 'o-1'],
        ['request-2', false, 'o-2'],
      ]);
    });
  });

  describe('dlq_handler', () => {
    const dlq = (failedRepository = failedOrders) => {
      const { logger, lines } = captureLogger();
      return { handler: createDlqHandler({ orders, failedOrders: failedRepository, clock, logger, metrics: testMetrics() }), lines };
    };

    it('counts an order it fails: dead-lettered, failed, and the time from its acceptance; nothing else, on one EMF line', async () => {
      await orders.createPending(laptop('o-1'), T0);
      await dlq().handler(sqsEvent(sqsRecord(laptop('o-1'), 'd-1', 4)), lambdaContext('dofs-dev-dlq_handler'));
      // One line, the three metrics on it with the dimensions service and environment only (businessMetric's).
      expect(emf.lines()).toHaveLength(1);
      expect(emf.emitted()).toHaveLength(3);
      expect(emf.emitted()).toEqual(expect.arrayContaining([deadLettered, failed, timeToFailed]));
      expect(undeclaredFor('dlq_handler', emf.emitted())).toEqual([]);
    });

    it('counts nothing for a second message of an order already FAILED and recorded: it was counted once', async () => {
      await orders.createPending(laptop('o-1'), T0);
      const { handler } = dlq();
      await handler(sqsEvent(sqsRecord(laptop('o-1'), 'd-1', 1)));
      const first = emf.emitted();
      await handler(sqsEvent(sqsRecord(laptop('o-1'), 'd-1', 2)));
      expect(emf.emitted()).toEqual(first);
      expect(first.filter((metric) => metric.name === 'OrdersFailed')).toHaveLength(1);
    });

    it('counts an order a duplicate message fulfilled meanwhile as dead-lettered only: it is not FAILED', async () => {
      await orders.createPending(laptop('o-1'), T0);
      await orders.markFulfilled('o-1', T0);
      await dlq().handler(sqsEvent(sqsRecord(laptop('o-1'), 'd-1')));
      expect(emf.emitted()).toEqual([deadLettered]);
    });

    it('counts an order missing from the table as dead-lettered only: no order became FAILED, no time is known', async () => {
      await dlq().handler(sqsEvent(sqsRecord(laptop('o-9'), 'd-1')));
      expect(emf.emitted()).toEqual([deadLettered]);
    });

    it('counts each metric once over a crash between its two writes and the redelivery that completes them', async () => {
      await orders.createPending(laptop('o-1'), T0);
      const lost = new FailedOrderRepository(withFaults(dynamo.db, [{ command: 'PutCommand', error: 'ProvisionedThroughputExceededException', times: 1 }]), failedOrdersTable);
      const { handler } = dlq(lost);
      await expect(handler(sqsEvent(sqsRecord(laptop('o-1'), 'd-1', 1)))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'd-1' }] });
      // The order became FAILED before the row failed: that much is counted, when the invocation ends.
      expect(emf.emitted()).toEqual(expect.arrayContaining([failed, timeToFailed]));
      expect(emf.emitted()).toHaveLength(2);
      expect(emf.lines()).toHaveLength(1);
      await handler(sqsEvent(sqsRecord(laptop('o-1'), 'd-1', 2)));
      expect(emf.emitted()).toHaveLength(3);
      expect(emf.emitted().at(-1)).toEqual(deadLettered);
    });

    it('counts nothing for a message that is not an order', async () => {
      await dlq().handler(sqsEvent(sqsRecord('{"x":1}', 'bad')));
      expect(emf.lines()).toEqual([]);
    });

    it('writes every line with the request id and cold-start flag, and each order\'s with its order_id', async () => {
      for (const id of ['o-1', 'o-2']) await orders.createPending(laptop(id), T0);
      const { handler, lines } = dlq();
      await handler(sqsEvent(sqsRecord(laptop('o-1'), 'd-1')), lambdaContext('dofs-dev-dlq_handler', 'request-1'));
      await handler(sqsEvent(sqsRecord(laptop('o-2'), 'd-2'), sqsRecord('{}', 'd-x')), lambdaContext('dofs-dev-dlq_handler', 'request-2'));
      // A batch's records are handled concurrently: their lines come in either order.
      expect(lines.map((line) => [line.function_request_id, line.cold_start, line.order_id ?? line.message_id]).sort()).toEqual([
        ['request-1', true, 'o-1'],
        ['request-2', false, 'd-x'],
        ['request-2', false, 'o-2'],
      ]);
    });
  });
});
