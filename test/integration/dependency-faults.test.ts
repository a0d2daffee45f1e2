import { createDlqHandler } from '../../lambdas/dlq_handler/handler';
import { createFulfillOrderHandler } from '../../lambdas/fulfill_order/handler';
import { createOrderStorageHandler } from '../../lambdas/order_storage/handler';
import { FailedOrderRepository, OrderRepository } from '../../lambdas/shared/order-repository';
import { createTestAws, type TestAws } from '../support/aws';
import { fixedClock, orderFactory } from '../support/orders';
import { withFaults as injectFaults, type Fault } from '../support/faults';
import { captureLogger, silentLogger } from '../support/logger';
import { testMetrics } from '../support/metrics';
import { sqsEvent, sqsRecord } from '../support/sqs-events';

/**
 * DynamoDB faults injected into the handlers over real dynalite tables: each fault is retried or
 * reported as a batch failure, and no order is lost or applied twice.
 */
const clock = fixedClock;
const newOrder = orderFactory('fault', 'lamp', 2);

describe('Dependency faults (DynamoDB throttling and lost responses)', () => {
  let aws: TestAws;
  let orders: OrderRepository;
  let failedOrders: FailedOrderRepository;
  let injected = 0;
  const faultyClients: { injected: number }[] = [];
  const withFaults = (client: Parameters<typeof injectFaults>[0], faults: Fault[]) => {
    const faulty = injectFaults(client, faults);
    faultyClients.push(faulty);
    return faulty;
  };
  afterAll(() => {
    injected = faultyClients.reduce((sum, client) => sum + client.injected, 0);
    process.stdout.write(`reliability: dependency-faults scenarios=6 faults_injected=${injected} (each test asserts lost=0 duplicated=0)\n`);
  });
  beforeAll(async () => {
    aws = await createTestAws();
    orders = new OrderRepository(aws.db, aws.resources.ordersTable);
    failedOrders = new FailedOrderRepository(aws.db, aws.resources.failedOrdersTable);
  });

  it('order_storage: a throttled write fails the task (the workflow retries it), and the retry stores the order once', async () => {
    const order = newOrder();
    const faulty = withFaults(aws.db, [{ command: 'PutCommand', error: 'ProvisionedThroughputExceededException', times: 1 }]);
    const store = createOrderStorageHandler({ orders: new OrderRepository(faulty, aws.resources.ordersTable), clock, logger: silentLogger() });
    await expect(store(order)).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(await orders.get(order.order_id)).toBeUndefined();
    await expect(store(order)).resolves.toMatchObject({ status: 'PENDING', duplicate: false, enqueue: true });
  });

  it('order_storage: a write whose answer was lost is recognized on retry as the same order, not a conflict', async () => {
    const order = newOrder();
    const faulty = withFaults(aws.db, [{ command: 'PutCommand', error: 'TimeoutError', times: 1, afterApplying: true }]);
    const store = createOrderStorageHandler({ orders: new OrderRepository(faulty, aws.resources.ordersTable), clock, logger: silentLogger() });
    await expect(store(order)).rejects.toMatchObject({ name: 'TimeoutError' });
    // The retry finds the order it wrote: a duplicate, still PENDING, so it is enqueued.
    await expect(store(order)).resolves.toEqual({ order_id: order.order_id, status: 'PENDING', duplicate: true, enqueue: true });
  });

  it('fulfill_order: a throttled update reports the record for redelivery; the redelivery fulfills it once', async () => {
    const order = newOrder();
    await orders.createPending(order, clock());
    const faulty = withFaults(aws.db, [{ command: 'UpdateCommand', error: 'ThrottlingException', times: 1 }]);
    const { logger, lines } = captureLogger();
    const fulfill = createFulfillOrderHandler({ orders: new OrderRepository(faulty, aws.resources.ordersTable), failureThreshold: 1, clock, logger, metrics: testMetrics() });
    await expect(fulfill(sqsEvent(sqsRecord(order, 'm', 1)))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm' }] });
    expect((await orders.get(order.order_id))?.status).toBe('PENDING');
    await expect(fulfill(sqsEvent(sqsRecord(order, 'm', 2)))).resolves.toEqual({ batchItemFailures: [] });
    expect((await orders.get(order.order_id))?.status).toBe('FULFILLED');
    expect(lines.filter((l) => l.outcome === 'fulfilled')).toHaveLength(1);
    expect(lines.filter((l) => l.outcome === 'retry')).toEqual([expect.objectContaining({ level: 'ERROR', error: 'ThrottlingException', order_id: order.order_id })]);
  });

  it('fulfill_order: an update applied but unanswered is redelivered and not fulfilled a second time', async () => {
    const order = newOrder();
    await orders.createPending(order, clock());
    const faulty = withFaults(aws.db, [{ command: 'UpdateCommand', error: 'TimeoutError', times: 1, afterApplying: true }]);
    const { logger, lines } = captureLogger();
    const fulfill = createFulfillOrderHandler({ orders: new OrderRepository(faulty, aws.resources.ordersTable), failureThreshold: 1, clock, logger, metrics: testMetrics() });
    await expect(fulfill(sqsEvent(sqsRecord(order, 'm', 1)))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm' }] });
    await expect(fulfill(sqsEvent(sqsRecord(order, 'm', 2)))).resolves.toEqual({ batchItemFailures: [] });
    // The one fulfillment effect is the update that was applied; the first attempt logged its error,
    // and the redelivery found the order final.
    expect((await orders.get(order.order_id))?.status).toBe('FULFILLED');
    expect(lines.map((l) => [l.outcome, l.error])).toEqual([['retry', 'TimeoutError'], ['skipped', undefined]]);
  });

  it('fulfill_order: in a batch, only the record whose write failed is redelivered', async () => {
    const [a, b, c] = [newOrder(), newOrder(), newOrder()];
    for (const order of [a, b, c]) await orders.createPending(order, clock());
    const faulty = withFaults(aws.db, [{ command: 'UpdateCommand', error: 'InternalServerError', times: 1 }]);
    const fulfill = createFulfillOrderHandler({ orders: new OrderRepository(faulty, aws.resources.ordersTable), failureThreshold: 1, clock, logger: silentLogger(), metrics: testMetrics() });
    const response = await fulfill(sqsEvent(sqsRecord(a, 'a'), sqsRecord(b, 'b'), sqsRecord(c, 'c')));
    expect(response.batchItemFailures).toHaveLength(1);
    const statuses = await Promise.all([a, b, c].map(async (o) => (await orders.get(o.order_id))?.status));
    expect(statuses.filter((s) => s === 'FULFILLED')).toHaveLength(2);
  });

  it('dlq_handler: a throttled failed_orders write is redelivered and ends in exactly one row', async () => {
    const order = newOrder();
    await orders.createPending(order, clock());
    const faulty = withFaults(aws.db, [{ command: 'PutCommand', error: 'ProvisionedThroughputExceededException', times: 1 }]);
    const dlq = createDlqHandler({
      orders: new OrderRepository(faulty, aws.resources.ordersTable),
      failedOrders: new FailedOrderRepository(faulty, aws.resources.failedOrdersTable),
      clock,
      logger: silentLogger(),
      metrics: testMetrics(),
    });
    await expect(dlq(sqsEvent(sqsRecord(order, 'd', 4)))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'd' }] });
    // Marked FAILED before the row was written; the redelivery completes the row.
    expect((await orders.get(order.order_id))?.status).toBe('FAILED');
    expect(await failedOrders.get(order.order_id)).toBeUndefined();
    await expect(dlq(sqsEvent(sqsRecord(order, 'd', 5)))).resolves.toEqual({ batchItemFailures: [] });
    expect(await failedOrders.get(order.order_id)).toMatchObject({ order_id: order.order_id, receive_count: 5 });
    await expect(dlq(sqsEvent(sqsRecord(order, 'd', 6)))).resolves.toEqual({ batchItemFailures: [] });
    expect(await failedOrders.get(order.order_id)).toMatchObject({ receive_count: 5 });
  });
});
