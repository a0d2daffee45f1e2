import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, type BatchGetCommandInput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FailedOrderRepository, OrderRepository, type FailedOrderRecord } from '../../lambdas/shared/order-repository';
import { withFaults } from '../support/faults';
import { intercept, useInProcessDynamoDb } from '../support/in-process-dynamodb';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:00:01.000Z';
const T2 = '2026-01-01T00:00:02.000Z';
const order = { order_id: 'order-1', item: 'laptop', quantity: 1 };

/**
 * DynamoDB pages a Query or Scan at 1 MB (LastEvaluatedKey says there is more). The test tables are far
 * smaller, so this client asks for pages of `size` items: every reader must still see every item.
 */
function smallPages(db: DynamoDBDocumentClient, size = 1): DynamoDBDocumentClient {
  return intercept(db, (command, send) => {
    if (command instanceof QueryCommand && command.input.Limit === undefined) return send(new QueryCommand({ ...command.input, Limit: size }));
    if (command instanceof ScanCommand && command.input.Limit === undefined) return send(new ScanCommand({ ...command.input, Limit: size }));
    return send(command);
  });
}

/** GetItem is eventually consistent unless ConsistentRead is set: a read right after a write may miss it. */
function eventualReadsLag(db: DynamoDBDocumentClient): DynamoDBDocumentClient {
  return intercept(db, (command, send) => (command instanceof GetCommand && command.input.ConsistentRead !== true ? Promise.resolve({ $metadata: {} }) : send(command)));
}

/** BatchGetItem may answer part of a request, returning the rest as UnprocessedKeys; this one answers `perCall` keys a call. */
function partialBatches(db: DynamoDBDocumentClient, perCall: number, calls: BatchGetCommandInput[]): DynamoDBDocumentClient {
  return intercept(db, async (command, send) => {
    if (!(command instanceof BatchGetCommand)) return send(command);
    calls.push(command.input);
    const [table, request] = Object.entries(command.input.RequestItems ?? {})[0]!;
    const keys = request.Keys ?? [];
    const answered = perCall > 0 ? ((await send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys.slice(0, perCall) } } }))) as { Responses?: Record<string, unknown[]> }) : {};
    const rest = keys.slice(perCall);
    // As DynamoDB answers: an empty map once every key was processed.
    return { $metadata: {}, Responses: { [table]: answered.Responses?.[table] ?? [] }, UnprocessedKeys: rest.length > 0 ? { [table]: { Keys: rest } } : {} };
  });
}

describe('OrderRepository (in-process dynalite)', () => {
  const dynamo = useInProcessDynamoDb();
  let ordersTable: string;
  let failedOrdersTable: string;
  let orders: OrderRepository;
  beforeEach(async () => {
    ({ ordersTable, failedOrdersTable } = await dynamo.newTables());
    orders = new OrderRepository(dynamo.db, ordersTable);
  });

  const pendingOrder = async (orderId: string, at = T0) => {
    await orders.createPending({ ...order, order_id: orderId }, at);
    return orderId;
  };

  describe('createPending', () => {
    it('stores a new order as PENDING with no attempts, and answers a second create with the stored order, unchanged', async () => {
      const record = { ...order, status: 'PENDING', created_at: T0, updated_at: T0, attempts: 0 };
      await expect(orders.createPending(order, T0)).resolves.toEqual({ created: true, record });
      await expect(orders.get(order.order_id)).resolves.toEqual(record);
      await expect(orders.createPending({ ...order, quantity: 2 }, T1)).resolves.toEqual({ created: false, existing: record });
      await expect(orders.get(order.order_id)).resolves.toEqual(record);
    });

    it('fails loudly when the order its conditional put found is gone by the time it reads it', async () => {
      // The put's condition failed (the item existed), then the item was deleted before the read.
      const racing = new OrderRepository(withFaults(dynamo.db, [{ command: 'PutCommand', error: 'ConditionalCheckFailedException', times: 1 }]), ordersTable);
      await expect(racing.createPending(order, T0)).rejects.toThrow(`order ${order.order_id} vanished during an idempotent create`);
    });

    it('lets any other failure of the put through, storing nothing', async () => {
      const failing = new OrderRepository(withFaults(dynamo.db, [{ command: 'PutCommand', error: 'ProvisionedThroughputExceededException', times: 1 }]), ordersTable);
      await expect(failing.createPending(order, T0)).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
      await expect(orders.get(order.order_id)).resolves.toBeUndefined();
    });
  });

  describe('the document client', () => {
    it('leaves undefined values out of an item, at any depth, rather than refusing the write', async () => {
      const item = { order_id: 'o-1', item: undefined, reason: 'r', detail: { code: undefined, receives: 3 }, tags: ['a', undefined] };
      await dynamo.db.send(new PutCommand({ TableName: failedOrdersTable, Item: item }));
      await expect(new FailedOrderRepository(dynamo.db, failedOrdersTable).get('o-1')).resolves.toEqual({ order_id: 'o-1', reason: 'r', detail: { receives: 3 }, tags: ['a'] });
    });
  });

  describe('get', () => {
    it('reads its own writes, even where eventually consistent reads lag behind', async () => {
      await pendingOrder('o-1');
      const lagging = new OrderRepository(eventualReadsLag(dynamo.db), ordersTable);
      await expect(lagging.get('o-1')).resolves.toMatchObject({ order_id: 'o-1', status: 'PENDING' });
      await expect(orders.get('o-2')).resolves.toBeUndefined();
    });
  });

  describe('markFulfilled', () => {
    it('moves a PENDING order to FULFILLED once, stamping when', async () => {
      await pendingOrder('o-1');
      await expect(orders.markFulfilled('o-1', T1)).resolves.toBe(true);
      const fulfilled = { ...order, order_id: 'o-1', status: 'FULFILLED', created_at: T0, updated_at: T1, fulfilled_at: T1, attempts: 0 };
      await expect(orders.get('o-1')).resolves.toEqual(fulfilled);
      await expect(orders.markFulfilled('o-1', T2)).resolves.toBe(false);
      await expect(orders.get('o-1')).resolves.toEqual(fulfilled);
    });

    it('answers false for an unknown order and does not create it (an update without a condition would)', async () => {
      await expect(orders.markFulfilled('ghost', T1)).resolves.toBe(false);
      await expect(orders.get('ghost')).resolves.toBeUndefined();
    });

    it('never fulfills a FAILED order', async () => {
      await pendingOrder('o-1');
      await orders.markFailed('o-1', 'gave up', T1);
      await expect(orders.markFulfilled('o-1', T2)).resolves.toBe(false);
      await expect(orders.get('o-1')).resolves.toMatchObject({ status: 'FAILED' });
    });

    it('treats a conditional check failure from another copy of the SDK (matched by name) as "not PENDING"', async () => {
      await pendingOrder('o-1');
      const other = new OrderRepository(withFaults(dynamo.db, [{ command: 'UpdateCommand', error: 'ConditionalCheckFailedException', times: 1 }]), ordersTable);
      await expect(other.markFulfilled('o-1', T1)).resolves.toBe(false);
    });

    it('lets a dependency fault through', async () => {
      await pendingOrder('o-1');
      const failing = new OrderRepository(withFaults(dynamo.db, [{ command: 'UpdateCommand', error: 'ProvisionedThroughputExceededException', times: 1 }]), ordersTable);
      await expect(failing.markFulfilled('o-1', T1)).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    });
  });

  describe('recordFailedAttempt', () => {
    it('counts each failed attempt of a PENDING order with its reason, and none once the order is final', async () => {
      await pendingOrder('o-1');
      await expect(orders.recordFailedAttempt('o-1', 'first', T1)).resolves.toBe(true);
      await expect(orders.recordFailedAttempt('o-1', 'second', T2)).resolves.toBe(true);
      await expect(orders.get('o-1')).resolves.toEqual({ ...order, order_id: 'o-1', status: 'PENDING', created_at: T0, updated_at: T2, attempts: 2, last_error: 'second' });
      await orders.markFulfilled('o-1', T2);
      await expect(orders.recordFailedAttempt('o-1', 'late', T2)).resolves.toBe(false);
      await expect(orders.get('o-1')).resolves.toMatchObject({ status: 'FULFILLED', attempts: 2, last_error: 'second' });
      await expect(orders.recordFailedAttempt('ghost', 'x', T1)).resolves.toBe(false);
      await expect(orders.get('ghost')).resolves.toBeUndefined();
    });
  });

  describe('markFailed and failIfPending', () => {
    it('fails a PENDING order with its reason, and reports what a non-PENDING order was', async () => {
      await pendingOrder('o-1');
      await expect(orders.markFailed('o-1', 'gave up', T1)).resolves.toBe('marked');
      await expect(orders.get('o-1')).resolves.toEqual({
        ...order, order_id: 'o-1', status: 'FAILED', created_at: T0, updated_at: T1, failed_at: T1, failure_reason: 'gave up', attempts: 0,
      });
      await expect(orders.markFailed('o-1', 'again', T2)).resolves.toBe('already-failed');
      await expect(orders.get('o-1')).resolves.toMatchObject({ failure_reason: 'gave up', failed_at: T1 });

      await pendingOrder('o-2');
      await orders.markFulfilled('o-2', T1);
      await expect(orders.markFailed('o-2', 'late', T2)).resolves.toBe('already-fulfilled');
      await expect(orders.get('o-2')).resolves.toMatchObject({ status: 'FULFILLED' });
      await expect(orders.get('o-2')).resolves.not.toHaveProperty('failure_reason');

      await expect(orders.markFailed('ghost', 'x', T1)).resolves.toBe('missing');
      await expect(orders.get('ghost')).resolves.toBeUndefined();
    });

    it('answers failIfPending with whether it failed the order', async () => {
      await pendingOrder('o-1');
      await expect(orders.failIfPending('o-1', 'refused', T1)).resolves.toBe(true);
      await expect(orders.failIfPending('o-1', 'refused', T1)).resolves.toBe(false);
    });
  });

  describe('reopenFailed (an operator redrive)', () => {
    it('reopens a FAILED order as PENDING with its attempts reset, keeping the failure it follows, once per failure', async () => {
      await pendingOrder('o-1');
      await orders.recordFailedAttempt('o-1', 'boom', T0);
      await orders.markFailed('o-1', 'gave up', T0);
      await expect(orders.reopenFailed('o-1', T1)).resolves.toBe(true);
      await expect(orders.get('o-1')).resolves.toEqual({
        ...order, order_id: 'o-1', status: 'PENDING', created_at: T0, updated_at: T1, redriven_at: T1, attempts: 0, redrives: 1, last_failure: 'gave up',
      });
      await expect(orders.reopenFailed('o-1', T2)).resolves.toBe(false);

      await orders.markFailed('o-1', 'gave up again', T2);
      await expect(orders.reopenFailed('o-1', T2)).resolves.toBe(true);
      await expect(orders.get('o-1')).resolves.toMatchObject({ status: 'PENDING', redrives: 2, last_failure: 'gave up again', redriven_at: T2 });
    });

    it('answers false for an order that is not FAILED, changing nothing', async () => {
      await pendingOrder('o-1');
      await expect(orders.reopenFailed('o-1', T1)).resolves.toBe(false);
      await orders.markFulfilled('o-1', T1);
      await expect(orders.reopenFailed('o-1', T2)).resolves.toBe(false);
      await expect(orders.get('o-1')).resolves.toMatchObject({ status: 'FULFILLED', updated_at: T1 });
      await expect(orders.reopenFailed('ghost', T1)).resolves.toBe(false);
      await expect(orders.get('ghost')).resolves.toBeUndefined();
    });

    it('lets a dependency fault through', async () => {
      const failing = new OrderRepository(withFaults(dynamo.db, [{ command: 'UpdateCommand', error: 'ProvisionedThroughputExceededException', times: 1 }]), ordersTable);
      await expect(failing.reopenFailed('o-1', T1)).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    });
  });

  describe('markResent', () => {
    it('moves a PENDING order on and counts the resend, only if nobody changed it since it was read', async () => {
      await pendingOrder('o-1');
      await expect(orders.markResent('o-1', T0, T1)).resolves.toBe(true);
      await expect(orders.get('o-1')).resolves.toEqual({ ...order, order_id: 'o-1', status: 'PENDING', created_at: T0, updated_at: T1, attempts: 0, resends: 1 });
      // Read at T0, but changed at T1 since: nothing to note.
      await expect(orders.markResent('o-1', T0, T2)).resolves.toBe(false);
      await expect(orders.markResent('o-1', T1, T2)).resolves.toBe(true);
      await expect(orders.get('o-1')).resolves.toMatchObject({ updated_at: T2, resends: 2 });
    });

    it('answers false for an order that is no longer PENDING or unknown', async () => {
      await pendingOrder('o-1');
      await orders.markFulfilled('o-1', T0);
      await expect(orders.markResent('o-1', T0, T1)).resolves.toBe(false);
      await expect(orders.get('o-1')).resolves.not.toHaveProperty('resends');
      await expect(orders.markResent('ghost', T0, T1)).resolves.toBe(false);
      await expect(orders.get('ghost')).resolves.toBeUndefined();
    });

    it('lets a dependency fault through', async () => {
      await pendingOrder('o-1');
      const failing = new OrderRepository(withFaults(dynamo.db, [{ command: 'UpdateCommand', error: 'ProvisionedThroughputExceededException', times: 1 }]), ordersTable);
      await expect(failing.markResent('o-1', T0, T1)).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    });
  });

  describe('the by_status index', () => {
    it('finds the PENDING orders last changed strictly before a time, over every page, with what a message needs', async () => {
      for (const [id, at] of [['old-1', T0], ['old-2', T0], ['old-3', T1], ['at-limit', T2]] as const) await pendingOrder(id, at);
      await pendingOrder('done', T0);
      await orders.markFulfilled('done', T0);
      const paged = new OrderRepository(smallPages(dynamo.db), ordersTable);
      const found = [];
      for await (const pending of paged.pendingSince(T2)) found.push(pending);
      expect(found.map((pending) => pending.order_id).sort()).toEqual(['old-1', 'old-2', 'old-3']);
      expect(found.find((pending) => pending.order_id === 'old-3')).toMatchObject({ item: order.item, quantity: order.quantity, updated_at: T1 });
    });

    it('counts the orders in a status over every page', async () => {
      for (const id of ['a', 'b', 'c', 'd']) await pendingOrder(id);
      await orders.markFulfilled('d', T1);
      const paged = new OrderRepository(smallPages(dynamo.db), ordersTable);
      await expect(paged.countInStatus('PENDING')).resolves.toBe(3);
      await expect(paged.countInStatus('FULFILLED')).resolves.toBe(1);
      await expect(paged.countInStatus('FAILED')).resolves.toBe(0);
    });

    it('lists the newest changes in a status first, up to the limit', async () => {
      for (const [id, at] of [['a', T0], ['b', T2], ['c', T1]] as const) await pendingOrder(id, at);
      await pendingOrder('d', T0);
      await orders.markFulfilled('d', T2);
      const latest = await orders.latestInStatus('PENDING', 2);
      expect(latest.map((summary) => summary.order_id)).toEqual(['b', 'c']);
      expect(latest[0]).toEqual({ order_id: 'b', status: 'PENDING', updated_at: T2, item: order.item, quantity: order.quantity });
      await expect(orders.latestInStatus('FAILED', 5)).resolves.toEqual([]);
    });
  });

  describe('FailedOrderRepository', () => {
    let failed: FailedOrderRepository;
    beforeEach(() => {
      failed = new FailedOrderRepository(dynamo.db, failedOrdersTable);
    });
    const row = (orderId: string, failedAt = T1): FailedOrderRecord => ({ order_id: orderId, item: 'laptop', quantity: 1, reason: 'gave up', attempts: 3, receive_count: 3, failed_at: failedAt });

    it('records a failure once: a redelivery finds the first row and leaves it', async () => {
      await expect(failed.recordOnce(row('o-1'))).resolves.toBe(true);
      await expect(failed.recordOnce({ ...row('o-1'), reason: 'again', receive_count: 4 })).resolves.toBe(false);
      const lagging = new FailedOrderRepository(eventualReadsLag(dynamo.db), failedOrdersTable);
      await expect(lagging.get('o-1')).resolves.toEqual(row('o-1'));
      await expect(failed.get('o-2')).resolves.toBeUndefined();
    });

    it('lets a dependency fault through', async () => {
      const failing = new FailedOrderRepository(withFaults(dynamo.db, [{ command: 'PutCommand', error: 'ProvisionedThroughputExceededException', times: 1 }]), failedOrdersTable);
      await expect(failing.recordOnce(row('o-1'))).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    });

    it('lists every row, newest failure first, over every page, up to a limit', async () => {
      const T3 = '2026-01-01T00:00:03.000Z';
      const T4 = '2026-01-01T00:00:04.000Z';
      for (const [id, at] of [['a', T0], ['c', T2], ['e', T4], ['b', T1], ['d', T3]] as const) await failed.recordOnce(row(id, at));
      const paged = new FailedOrderRepository(smallPages(dynamo.db), failedOrdersTable);
      await expect(paged.listNewestFirst()).resolves.toEqual([row('e', T4), row('d', T3), row('c', T2), row('b', T1), row('a', T0)]);
      await expect(paged.listNewestFirst(2)).resolves.toEqual([row('e', T4), row('d', T3)]);
    });

    it('reads several rows at once, asking again for the keys DynamoDB left unprocessed', async () => {
      for (const id of ['a', 'b', 'c']) await failed.recordOnce(row(id));
      const calls: BatchGetCommandInput[] = [];
      const partial = new FailedOrderRepository(partialBatches(dynamo.db, 1, calls), failedOrdersTable);
      const rows = await partial.getMany(['a', 'b', 'c', 'missing']);
      expect(rows.map((r) => r.order_id).sort()).toEqual(['a', 'b', 'c']);
      expect(rows.find((r) => r.order_id === 'b')).toEqual(row('b'));
      expect(calls).toHaveLength(4);
    });

    it('gives up after a bounded number of rounds when DynamoDB keeps every key unprocessed', async () => {
      await failed.recordOnce(row('a'));
      const calls: BatchGetCommandInput[] = [];
      const stuck = new FailedOrderRepository(partialBatches(dynamo.db, 0, calls), failedOrdersTable);
      await expect(stuck.getMany(['a'])).resolves.toEqual([]);
      expect(calls.length).toBeGreaterThan(1);
      expect(calls.length).toBeLessThan(10);
    });

    it('asks for at most 100 keys, BatchGetItem\'s limit (DynamoDB refuses a call with more)', async () => {
      const ids = Array.from({ length: 101 }, (_, n) => `o-${n}`);
      for (const id of ids.slice(99)) await failed.recordOnce(row(id));
      await expect(failed.getMany(ids)).resolves.toEqual([row('o-99')]);
      await expect(failed.getMany([])).resolves.toEqual([]);
    });

    it('removes a row', async () => {
      await failed.recordOnce(row('a'));
      await failed.recordOnce(row('b'));
      await failed.remove('a');
      await expect(failed.get('a')).resolves.toBeUndefined();
      await expect(failed.get('b')).resolves.toEqual(row('b'));
    });
  });
});
