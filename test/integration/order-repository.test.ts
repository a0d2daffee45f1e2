import { FailedOrderRepository, OrderRepository } from '../../lambdas/shared/order-repository';
import { createTestAws, type TestAws } from '../support/aws';

const order = { order_id: 'order-1', item: 'laptop', quantity: 1 };
const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:00:01.000Z';

describe('OrderRepository (dynalite)', () => {
  let aws: TestAws;
  let orders: OrderRepository;
  let failed: FailedOrderRepository;

  beforeAll(async () => {
    aws = await createTestAws();
  });
  beforeEach(() => {
    // A fresh order_id per test keeps tests independent on the shared table.
    order.order_id = `order-${Math.random().toString(36).slice(2, 10)}`;
    orders = new OrderRepository(aws.db, aws.resources.ordersTable);
    failed = new FailedOrderRepository(aws.db, aws.resources.failedOrdersTable);
  });

  it('creates an order once; a second create returns the stored one', async () => {
    const first = await orders.createPending(order, T0);
    expect(first).toEqual({ created: true, record: { ...order, status: 'PENDING', created_at: T0, updated_at: T0, attempts: 0 } });
    const second = await orders.createPending({ ...order, quantity: 2 }, T1);
    expect(second).toEqual({ created: false, existing: expect.objectContaining({ quantity: 1, created_at: T0 }) });
  });

  it('fulfills a PENDING order exactly once', async () => {
    await orders.createPending(order, T0);
    await expect(orders.markFulfilled(order.order_id, T1)).resolves.toBe(true);
    await expect(orders.markFulfilled(order.order_id, T1)).resolves.toBe(false);
    expect(await orders.get(order.order_id)).toMatchObject({ status: 'FULFILLED', fulfilled_at: T1, updated_at: T1 });
  });

  it('counts failed attempts only while PENDING', async () => {
    await orders.createPending(order, T0);
    await expect(orders.recordFailedAttempt(order.order_id, 'boom', T1)).resolves.toBe(true);
    await expect(orders.recordFailedAttempt(order.order_id, 'boom', T1)).resolves.toBe(true);
    expect(await orders.get(order.order_id)).toMatchObject({ attempts: 2, last_error: 'boom', status: 'PENDING' });
    await orders.markFulfilled(order.order_id, T1);
    await expect(orders.recordFailedAttempt(order.order_id, 'late', T1)).resolves.toBe(false);
    expect(await orders.get(order.order_id)).toMatchObject({ attempts: 2, status: 'FULFILLED' });
  });

  it('reports what a non-PENDING order was when asked to fail it', async () => {
    await expect(orders.markFailed('never-stored', 'x', T1)).resolves.toBe('missing');
    await orders.createPending(order, T0);
    await expect(orders.markFailed(order.order_id, 'gave up', T1)).resolves.toBe('marked');
    await expect(orders.markFailed(order.order_id, 'gave up', T1)).resolves.toBe('already-failed');
    expect(await orders.get(order.order_id)).toMatchObject({ status: 'FAILED', failure_reason: 'gave up', failed_at: T1 });
    await expect(orders.markFulfilled(order.order_id, T1)).resolves.toBe(false);
  });

  it('keeps FULFILLED final against a late failure', async () => {
    await orders.createPending(order, T0);
    await orders.markFulfilled(order.order_id, T1);
    await expect(orders.markFailed(order.order_id, 'late', T1)).resolves.toBe('already-fulfilled');
    expect((await orders.get(order.order_id))?.status).toBe('FULFILLED');
  });

  it('writes one failed_orders row per order', async () => {
    const row = { order_id: order.order_id, reason: 'r', attempts: 3, receive_count: 3, failed_at: T1 };
    await expect(failed.recordOnce(row)).resolves.toBe(true);
    await expect(failed.recordOnce({ ...row, reason: 'again' })).resolves.toBe(false);
    expect(await failed.get(order.order_id)).toEqual(row);
  });

  it('reopens only a FAILED order, once, keeping the failure it follows', async () => {
    await orders.createPending(order, T0);
    await expect(orders.reopenFailed(order.order_id, T1)).resolves.toBe(false);
    await orders.recordFailedAttempt(order.order_id, 'boom', T0);
    await orders.markFailed(order.order_id, 'gave up', T0);
    await expect(orders.reopenFailed(order.order_id, T1)).resolves.toBe(true);
    const reopened = await orders.get(order.order_id);
    expect(reopened).toMatchObject({ status: 'PENDING', attempts: 0, redrives: 1, redriven_at: T1, updated_at: T1, last_failure: 'gave up' });
    expect(reopened).not.toHaveProperty('failure_reason');
    expect(reopened).not.toHaveProperty('failed_at');
    expect(reopened).not.toHaveProperty('last_error');
    await expect(orders.reopenFailed(order.order_id, T1)).resolves.toBe(false);
    await expect(orders.reopenFailed('never-stored', T1)).resolves.toBe(false);
    // Back in the pipeline: it can be fulfilled like any PENDING order.
    await expect(orders.markFulfilled(order.order_id, T1)).resolves.toBe(true);
  });

  it('counts and lists orders by status, newest change first', async () => {
    const ids = [0, 1, 2].map((n) => `${order.order_id}-${n}`);
    for (const [n, id] of ids.entries()) await orders.createPending({ ...order, order_id: id }, `2026-01-01T00:00:0${n}.000Z`);
    await orders.markFulfilled(ids[0]!, '2026-01-01T00:00:09.000Z');
    await expect(orders.countInStatus('FULFILLED')).resolves.toBeGreaterThanOrEqual(1);
    const pendingBefore = await orders.countInStatus('PENDING');
    await orders.markFulfilled(ids[1]!, '2026-01-01T00:00:10.000Z');
    await expect(orders.countInStatus('PENDING')).resolves.toBe(pendingBefore - 1);
    const latest = await orders.latestInStatus('FULFILLED', 2);
    expect(latest.map((summary) => summary.order_id)).toEqual([ids[1], ids[0]]);
    expect(latest[0]).toMatchObject({ status: 'FULFILLED', item: order.item, quantity: order.quantity });
  });

  it('lists failed_orders newest first, reads several at once and removes one', async () => {
    const row = (n: number) => ({ order_id: `${order.order_id}-f${n}`, reason: `r${n}`, attempts: 3, receive_count: 3, failed_at: `2026-01-0${n}T00:00:00.000Z` });
    for (const n of [1, 3, 2]) await failed.recordOnce(row(n));
    const newest = await failed.listNewestFirst(2);
    expect(newest.map((r) => r.order_id)).toEqual([row(3).order_id, row(2).order_id]);
    const many = await failed.getMany([row(1).order_id, row(2).order_id, 'not-there']);
    expect(many.map((r) => r.order_id).sort()).toEqual([row(1).order_id, row(2).order_id]);
    await failed.remove(row(1).order_id);
    await expect(failed.get(row(1).order_id)).resolves.toBeUndefined();
    await expect(failed.getMany([])).resolves.toEqual([]);
  });
});
