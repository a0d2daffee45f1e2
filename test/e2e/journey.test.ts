import { waitFor } from '../../cli/poll';
import type { Journey, JourneyEvent } from '../../local/journey';
import { runCli } from '../support/cli';
import { request } from '../support/http';
import { useRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

const ACCEPTED_PATH = ['ValidateOrder', 'StoreOrder', 'NeedsFulfillment', 'EnqueueForFulfillment', 'Accepted'];
const REASON = 'simulated fulfillment failure (FAILURE_THRESHOLD=0)';

async function submit(runtime: RuntimeProcess, orderId: string, item = 'widget'): Promise<number> {
  return (await request(`${runtime.url}/orders`, { method: 'POST', json: { order_id: orderId, item, quantity: 2 } })).status;
}

/**
 * The journey once `done` holds for it: log lines reach the runtime shortly after the table changes
 * (the line is written after the write it reports), so a test waits for the event it expects last.
 */
function journeyWhen(runtime: RuntimeProcess, orderId: string, what: string, done: (journey: Journey) => boolean, timeoutMs = 20_000): Promise<Journey> {
  return waitFor(
    `the journey of ${orderId} to show ${what}`,
    async () => {
      const { status, body } = await request(`${runtime.url}/_local/orders/${orderId}/journey`);
      const journey = body as unknown as Journey;
      return status === 200 && done(journey) ? journey : undefined;
    },
    timeoutMs,
    100,
  );
}

const ofKind = (journey: Journey, kind: JourneyEvent['kind']) => journey.events.filter((event) => event.kind === kind);
const isTimeOrdered = (events: JourneyEvent[]) => events.every((event, index) => index === 0 || Date.parse(events[index - 1]!.at) <= Date.parse(event.at));

describe("An order's journey (GET /_local/orders/{order_id}/journey)", () => {
  describe('fulfilled and duplicate orders', () => {
    const runtime = useRuntimeProcess();

    it('puts a fulfilled order on one timeline: the POST, the execution and its states, one fulfilling receive', async () => {
      expect(await submit(runtime, 'journey-ok-1')).toBe(202);
      const journey = await journeyWhen(runtime, 'journey-ok-1', 'the fulfillment', (found) => ofKind(found, 'fulfillment').length > 0);

      expect(journey).toMatchObject({ order_id: 'journey-ok-1', status: 'FULFILLED', order: { item: 'widget', quantity: 2, attempts: 0 }, dropped_events: 0, notes: [] });
      expect(journey.events.map((event) => event.kind)).toEqual(['request', 'execution', ...ACCEPTED_PATH.map(() => 'state'), 'fulfillment']);
      expect(journey.events[0]).toMatchObject({ source: 'api_handler', step: 'POST /orders', outcome: 'accepted', status_code: 202, duration_ms: expect.any(Number) });
      expect(ofKind(journey, 'execution')[0]).toMatchObject({ outcome: 'succeeded', duration_ms: expect.any(Number) });
      expect(ofKind(journey, 'state').map((state) => [state.step, state.outcome])).toEqual(ACCEPTED_PATH.map((state) => [state, 'succeeded']));
      for (const state of ofKind(journey, 'state')) expect(state.duration_ms).toBeGreaterThanOrEqual(0);
      expect(ofKind(journey, 'fulfillment')).toEqual([expect.objectContaining({ source: 'fulfill_order', step: 'order_queue receive 1', receive_count: 1, outcome: 'fulfilled' })]);
      expect(isTimeOrdered(journey.events)).toBe(true);
      // The POST began before the workflow it started.
      expect(Date.parse(journey.events[0]!.at)).toBeLessThanOrEqual(Date.parse(journey.events[1]!.at));
    });

    it('shows a duplicate submission: a second POST answered 200 and a second execution that enqueues nothing', async () => {
      expect(await submit(runtime, 'journey-dup-1')).toBe(202);
      await journeyWhen(runtime, 'journey-dup-1', 'the fulfillment', (found) => ofKind(found, 'fulfillment').length > 0);
      expect(await submit(runtime, 'journey-dup-1')).toBe(200);
      const journey = await journeyWhen(runtime, 'journey-dup-1', 'two POSTs and two executions', (found) => ofKind(found, 'request').length === 2 && ofKind(found, 'execution').length === 2);

      expect(ofKind(journey, 'request').map((event) => [event.status_code, event.outcome])).toEqual([
        [202, 'accepted'],
        [200, 'duplicate'],
      ]);
      const [first, second] = ofKind(journey, 'execution').map((execution) => execution.execution);
      const statesOf = (name: string | undefined) => journey.events.filter((event) => event.kind === 'state' && event.execution === name).map((event) => event.step);
      expect(statesOf(first)).toEqual(ACCEPTED_PATH);
      expect(statesOf(second)).toEqual(['ValidateOrder', 'StoreOrder', 'NeedsFulfillment', 'Accepted']);
      // Still fulfilled once.
      expect(ofKind(journey, 'fulfillment').map((event) => event.outcome)).toEqual(['fulfilled']);
      expect(isTimeOrdered(journey.events)).toBe(true);
    });

    it('answers 404 for an order it knows nothing of and 400 for an order_id the API would refuse', async () => {
      expect(await request(`${runtime.url}/_local/orders/journey-never-1/journey`)).toMatchObject({ status: 404, body: { error: 'Order not found' } });
      expect(await request(`${runtime.url}/_local/orders/bad%21id/journey`)).toMatchObject({
        status: 400,
        body: { error: 'Invalid order_id', details: [{ field: 'order_id', message: 'may contain only letters, digits, "_" and "-"' }] },
      });
      expect(await request(`${runtime.url}/_local/orders/${'x'.repeat(65)}/journey`)).toMatchObject({ status: 400, body: { details: [{ field: 'order_id' }] } });
      expect(await request(`${runtime.url}/_local/orders/%E0%A4%A/journey`)).toMatchObject({ status: 400, body: { error: 'Invalid order_id' } });
    });
  });

  describe('a failed order, on a runtime of its own (FAILURE_THRESHOLD 0)', () => {
    const runtime = useRuntimeProcess();

    it('shows the three failed receives, the move to order_dlq and the failed_orders row', async () => {
      const threshold = await request(`${runtime.url}/_local/failure-threshold`, { method: 'PUT', json: { failure_threshold: 0 } });
      expect(threshold).toMatchObject({ status: 200, body: { failure_threshold: 0 } });
      expect(await submit(runtime, 'journey-fail-1', 'gadget')).toBe(202);
      const journey = await journeyWhen(runtime, 'journey-fail-1', 'the failed_orders row', (found) => ofKind(found, 'failed-row').length > 0 && ofKind(found, 'dead-letter').length > 0, 30_000);

      expect(journey).toMatchObject({ status: 'FAILED', order: { attempts: 3, failure_reason: REASON } });
      expect(ofKind(journey, 'fulfillment').map((event) => [event.receive_count, event.outcome, event.detail])).toEqual([
        [1, 'retry', REASON],
        [2, 'retry', REASON],
        [3, 'retry', REASON],
      ]);
      expect(journey.events.slice(-5).map((event) => event.kind)).toEqual(['fulfillment', 'fulfillment', 'fulfillment', 'dead-letter', 'failed-row']);
      expect(ofKind(journey, 'dead-letter')).toEqual([expect.objectContaining({ source: 'dlq_handler', step: 'order_dlq receive', outcome: 'failed' })]);
      expect(ofKind(journey, 'failed-row')).toEqual([expect.objectContaining({ source: 'failed_orders', outcome: 'recorded', detail: `${REASON}; 3 attempts` })]);
      expect(journey.events[0]).toMatchObject({ kind: 'request', status_code: 202 });
      expect(isTimeOrdered(journey.events)).toBe(true);
    });

    it('shows a redrive of the failed order and the receives that followed it', async () => {
      await request(`${runtime.url}/_local/failure-threshold`, { method: 'PUT', json: { failure_threshold: 0 } });
      expect(await submit(runtime, 'journey-redrive-1')).toBe(202);
      await journeyWhen(runtime, 'journey-redrive-1', 'the failed_orders row', (found) => ofKind(found, 'failed-row').length > 0, 30_000);
      await request(`${runtime.url}/_local/failure-threshold`, { method: 'PUT', json: { failure_threshold: 1 } });
      const redriven = await runCli(['redrive', '--order-id', 'journey-redrive-1'], { DOFS_URL: runtime.url });
      expect(redriven.code).toBe(0);

      const journey = await journeyWhen(runtime, 'journey-redrive-1', 'the fulfillment after the redrive', (found) => ofKind(found, 'fulfillment').some((event) => event.outcome === 'fulfilled'));
      expect(journey).toMatchObject({ status: 'FULFILLED', order: { redrives: 1, last_failure: REASON } });
      expect(journey.events.slice(-3).map((event) => [event.kind, event.outcome])).toEqual([
        ['dead-letter', 'failed'],
        ['redrive', 'requeued'],
        ['fulfillment', 'fulfilled'],
      ]);
      expect(ofKind(journey, 'redrive')[0]).toMatchObject({ source: 'dofs redrive', detail: `redrive 1; after: ${REASON}` });
      // The redrive removed the failed_orders row; the order_dlq receive still tells the failure.
      expect(ofKind(journey, 'failed-row')).toEqual([]);
      expect(isTimeOrdered(journey.events)).toBe(true);
    });
  });
});
