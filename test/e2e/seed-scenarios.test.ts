import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { waitFor } from '../../cli/poll';
import { request } from '../support/http';
import { queueBacklog, runtimeTables } from '../support/runtime-tables';
import { useRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

const seedOrder = { order_id: 'order-123', item: 'laptop', quantity: 1 };

/** Waits until GET /orders/{id} shows a terminal status; fails at once on the other terminal status. */
async function waitForStatus(runtime: RuntimeProcess, orderId: string, expected: 'FULFILLED' | 'FAILED', timeoutMs = 15_000) {
  return waitFor(`${orderId} to be ${expected}`, async () => {
    const { status, body } = await request(`${runtime.url}/orders/${orderId}`);
    if (status !== 200) throw new Error(`GET /orders/${orderId} answered ${status}`);
    if (body.status === expected) return body;
    if (body.status !== 'PENDING') throw new Error(`${orderId} ended ${String(body.status)}, expected ${expected}`);
    return undefined;
  }, timeoutMs, 100);
}

describe("The seed's scenarios on the local runtime", () => {
  describe('with the default FAILURE_THRESHOLD (never fail)', () => {
    const runtime = useRuntimeProcess();

    it('Valid Order: stored in orders and fulfilled', async () => {
      const accepted = await request(`${runtime.url}/orders`, { method: 'POST', json: seedOrder });
      expect(accepted.status).toBe(202);
      expect(accepted.body).toEqual({ order_id: 'order-123', status: 'PENDING' });
      const order = await waitForStatus(runtime, 'order-123', 'FULFILLED');
      expect(order).toMatchObject({ ...seedOrder, status: 'FULFILLED', created_at: expect.any(String), updated_at: expect.any(String) });
      const { db, ordersTable } = await runtimeTables(runtime.url);
      const { Item } = await db.send(new GetCommand({ TableName: ordersTable, Key: { order_id: 'order-123' } }));
      expect(Item).toMatchObject({ status: 'FULFILLED' });
      // Its log line comes through fulfill_order's thread, a moment after the row changed.
      const fulfilled = await waitFor("fulfill_order's log line", async () => {
        const lines = runtime.logs().filter((l) => l.function === 'fulfill_order' && l.order_id === 'order-123');
        return lines.length > 0 ? lines : undefined;
      });
      expect(fulfilled.map((l) => l.outcome)).toEqual(['fulfilled']);
    });

    it('Invalid Payload: 400 naming the fields, the execution failed at validation, nothing stored', async () => {
      const rejected = await request(`${runtime.url}/orders`, { method: 'POST', json: { order_id: 'order-bad', item: '', quantity: 0 } });
      expect(rejected.status).toBe(400);
      expect(rejected.body).toEqual({
        error: 'Invalid order',
        details: [
          { field: 'item', message: 'must not be empty' },
          { field: 'quantity', message: 'must be at least 1' },
        ],
      });
      const { body } = await request(`${runtime.url}/_local/executions?order_id=order-bad`);
      const [execution] = body.executions as { status: string; error: string; states: { name: string; event: string }[] }[];
      expect(execution).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
      expect(execution!.states.filter((s) => s.event === 'entered').map((s) => s.name)).toEqual(['ValidateOrder', 'RejectInvalidOrder']);
      expect((await request(`${runtime.url}/orders/order-bad`)).status).toBe(404);
      const { db, ordersTable } = await runtimeTables(runtime.url);
      const { Items = [] } = await db.send(new ScanCommand({ TableName: ordersTable }));
      expect(Items.map((i) => String(i.order_id))).not.toContain('order-bad');
    });

    it('a resubmission: 200 with the current status and no second fulfillment; a different payload: 409', async () => {
      type Stats = { invocations: Record<string, { count: number }>; requests: Record<string, Record<string, number>> };
      const stats = async () => (await request(`${runtime.url}/_local/stats`)).body as Stats;
      const order = { order_id: 'order-dup', item: 'phone', quantity: 2 };
      expect((await request(`${runtime.url}/orders`, { method: 'POST', json: order })).status).toBe(202);
      const fulfilled = await waitForStatus(runtime, 'order-dup', 'FULFILLED');
      const dupLines = () => runtime.logs().filter((l) => l.function === 'fulfill_order' && l.order_id === 'order-dup');
      await waitFor("fulfill_order's log line", async () => (dupLines().length > 0 ? true : undefined));
      await waitFor('order_queue drained', async () => ((await queueBacklog(runtime.url)) === 0 ? true : undefined));
      const before = await stats();

      const again = await request(`${runtime.url}/orders`, { method: 'POST', json: order });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ order_id: 'order-dup', status: 'FULFILLED' });
      const conflict = await request(`${runtime.url}/orders`, { method: 'POST', json: { ...order, quantity: 3 } });
      expect(conflict.status).toBe(409);

      // A wrong second message would be on order_queue by now (the POST answers after the workflow
      // enqueued); once nothing waits or is in flight, fulfill_order has seen whatever was sent.
      await waitFor('order_queue drained', async () => ((await queueBacklog(runtime.url)) === 0 ? true : undefined));
      const after = await stats();
      const fulfillOrder = 'dofs-local-fulfill_order';
      expect((after.invocations[fulfillOrder]?.count ?? 0) - (before.invocations[fulfillOrder]?.count ?? 0)).toBe(0);
      expect((after.requests.sqs?.SendMessage ?? 0) - (before.requests.sqs?.SendMessage ?? 0)).toBe(0);
      // One transition, PENDING → FULFILLED, and nothing written to the order since.
      expect(dupLines().map((l) => l.outcome)).toEqual(['fulfilled']);
      expect((await request(`${runtime.url}/orders/order-dup`)).body).toEqual(fulfilled);
    });
  });

  describe('with FAILURE_THRESHOLD=0.0', () => {
    const runtime = useRuntimeProcess({ FAILURE_THRESHOLD: '0.0' });

    it('Fulfillment Fail: received 3 times, then order_dlq, one failed_orders row, status FAILED', async () => {
      expect((await request(`${runtime.url}/orders`, { method: 'POST', json: seedOrder })).status).toBe(202);
      const order = await waitForStatus(runtime, 'order-123', 'FAILED', 20_000);
      expect(order).toMatchObject({ status: 'FAILED', attempts: 3, failure_reason: expect.stringContaining('simulated fulfillment failure') });

      const attempts = runtime.logs().filter((l) => l.function === 'fulfill_order' && l.order_id === 'order-123');
      expect(attempts.map((l) => [l.outcome, l.receive_count])).toEqual([['retry', 1], ['retry', 2], ['retry', 3]]);

      const { db, failedOrdersTable } = await runtimeTables(runtime.url);
      const { Items = [] } = await db.send(new ScanCommand({ TableName: failedOrdersTable }));
      expect(Items).toEqual([
        expect.objectContaining({ order_id: 'order-123', item: 'laptop', quantity: 1, attempts: 3, reason: expect.any(String), failed_at: expect.any(String) }),
      ]);
    });
  });
});
