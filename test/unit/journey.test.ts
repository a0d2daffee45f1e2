import type { OrderRecord } from '../../lambdas/shared/order';
import type { FailedOrderRecord } from '../../lambdas/shared/order-repository';
import type { ExecutionRecord, StateVisit } from '../../local/executions';
import { assembleJourney, type JourneySources } from '../../local/journey';
import { OrderLogIndex, parseOrderLogLine, type OrderLogEntry } from '../../local/order-log-index';

/** 2026-01-01T00:00:<seconds> as ISO time, to the millisecond. */
const t = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0) + Math.round(seconds * 1000)).toISOString();

function visits(...steps: [name: string, event: StateVisit['event'], seconds: number, error?: string][]): StateVisit[] {
  return steps.map(([name, event, seconds, error]) => ({ name, type: 'Task', event, at: t(seconds), ...(error ? { error } : {}) }));
}

function execution(name: string, start: number, stop: number, states: StateVisit[], status: ExecutionRecord['status'] = 'SUCCEEDED'): ExecutionRecord {
  return { executionArn: `arn:${name}`, name, orderId: 'o-1', startDate: t(start), stopDate: t(stop), status, states };
}

/** The path of an accepted order: validate, store, choose, enqueue, accepted. */
const acceptedPath = (start: number) =>
  visits(
    ['ValidateOrder', 'entered', start],
    ['ValidateOrder', 'succeeded', start + 0.01],
    ['StoreOrder', 'entered', start + 0.01],
    ['StoreOrder', 'succeeded', start + 0.03],
    ['NeedsFulfillment', 'entered', start + 0.03],
    ['NeedsFulfillment', 'succeeded', start + 0.03],
    ['EnqueueForFulfillment', 'entered', start + 0.03],
    ['EnqueueForFulfillment', 'succeeded', start + 0.04],
    ['Accepted', 'entered', start + 0.04],
    ['Accepted', 'succeeded', start + 0.04],
  );

const post = (seconds: number, status_code: number, outcome: string, duration_ms: number): OrderLogEntry => ({
  function: 'api_handler',
  at: t(seconds),
  level: 'INFO',
  message: 'request',
  method: 'POST',
  status_code,
  outcome,
  duration_ms,
});

const attempt = (seconds: number, receive_count: number, outcome: string, reason?: string): OrderLogEntry => ({
  function: 'fulfill_order',
  at: t(seconds),
  level: outcome === 'retry' ? 'WARN' : 'INFO',
  message: outcome === 'retry' ? 'fulfillment attempt failed' : 'order fulfilled',
  outcome,
  receive_count,
  ...(reason ? { reason } : {}),
});

const order = (fields: Partial<OrderRecord> = {}): OrderRecord => ({
  order_id: 'o-1',
  item: 'widget',
  quantity: 2,
  status: 'FULFILLED',
  created_at: t(0.02),
  updated_at: t(0.1),
  attempts: 0,
  ...fields,
});

const sources = (fields: Partial<JourneySources>): JourneySources => ({ orderId: 'o-1', order: undefined, failedRow: undefined, executions: [], log: undefined, ...fields });

/** Each event as "kind step outcome". */
const steps = (journey: ReturnType<typeof assembleJourney>) => journey?.events.map((event) => `${event.kind} ${event.step} ${event.outcome}`);

describe('assembleJourney', () => {
  it('puts a fulfilled order on one timeline: the POST (begun duration_ms before its line), the execution and each state, the receive', () => {
    const journey = assembleJourney(
      sources({
        order: order({ fulfilled_at: t(0.2) }),
        executions: [execution('ex-1', 0, 0.04, acceptedPath(0))],
        log: { entries: [post(0.05, 202, 'accepted', 60), attempt(0.2, 1, 'fulfilled')], dropped: 0 },
      }),
    );
    expect(steps(journey)).toEqual([
      'request POST /orders accepted',
      'execution workflow execution succeeded',
      'state ValidateOrder succeeded',
      'state StoreOrder succeeded',
      'state NeedsFulfillment succeeded',
      'state EnqueueForFulfillment succeeded',
      'state Accepted succeeded',
      'fulfillment order_queue receive 1 fulfilled',
    ]);
    expect(journey).toMatchObject({ order_id: 'o-1', status: 'FULFILLED', dropped_events: 0, notes: [] });
    expect(journey!.events[0]).toEqual({ at: t(-0.01), duration_ms: 60, kind: 'request', source: 'api_handler', step: 'POST /orders', outcome: 'accepted', status_code: 202 });
    expect(journey!.events[1]).toMatchObject({ at: t(0), duration_ms: 40, execution: 'ex-1' });
    expect(journey!.events[3]).toMatchObject({ step: 'StoreOrder', at: t(0.01), duration_ms: 20, execution: 'ex-1' });
    // The record's fulfilled_at says nothing the receive did not.
    expect(journey!.events.some((event) => event.kind === 'fulfilled')).toBe(false);
  });

  it('shows a failed order: each receive with its reason, the move to order_dlq (from the row it stamped to its line), then the row', () => {
    const reason = 'simulated fulfillment failure (FAILURE_THRESHOLD=0)';
    const failedRow: FailedOrderRecord = { order_id: 'o-1', item: 'widget', quantity: 2, reason, attempts: 3, receive_count: 4, failed_at: t(3.5) };
    const journey = assembleJourney(
      sources({
        order: order({ status: 'FAILED', attempts: 3, failure_reason: reason, failed_at: t(3.5) }),
        failedRow,
        executions: [execution('ex-1', 0, 0.04, acceptedPath(0))],
        log: {
          entries: [
            post(0.05, 202, 'accepted', 60),
            attempt(0.2, 1, 'retry', reason),
            attempt(1.2, 2, 'retry', reason),
            attempt(2.2, 3, 'retry', reason),
            { function: 'dlq_handler', at: t(3.52), level: 'WARN', message: 'order failed', outcome: 'failed', receive_count: 4 },
          ],
          dropped: 0,
        },
      }),
    );
    expect(steps(journey)!.slice(-5)).toEqual([
      'fulfillment order_queue receive 1 retry',
      'fulfillment order_queue receive 2 retry',
      'fulfillment order_queue receive 3 retry',
      'dead-letter order_dlq receive failed',
      'failed-row failed_orders row recorded',
    ]);
    const [, , , deadLetter, row] = journey!.events.slice(-5);
    expect(journey!.events.at(-5)).toMatchObject({ receive_count: 1, detail: reason, source: 'fulfill_order' });
    expect(deadLetter).toMatchObject({ at: t(3.5), duration_ms: 20, source: 'dlq_handler', receive_count: 4 });
    expect(row).toMatchObject({ at: t(3.5), source: 'failed_orders', detail: `${reason}; 3 attempts` });
    expect(journey!.status).toBe('FAILED');
  });

  it('shows a duplicate submission as two POSTs and two executions, the second with no enqueue, and the task lines as their states\' detail', () => {
    const duplicatePath = visits(
      ['ValidateOrder', 'entered', 5],
      ['ValidateOrder', 'succeeded', 5.01],
      ['StoreOrder', 'entered', 5.01],
      ['StoreOrder', 'succeeded', 5.03],
      ['NeedsFulfillment', 'entered', 5.03],
      ['NeedsFulfillment', 'succeeded', 5.03],
      ['Accepted', 'entered', 5.03],
      ['Accepted', 'succeeded', 5.03],
    );
    const journey = assembleJourney(
      sources({
        order: order(),
        // Newest first, as the history lists them.
        executions: [execution('ex-2', 5, 5.03, duplicatePath), execution('ex-1', 0, 0.04, acceptedPath(0))],
        log: {
          entries: [
            { function: 'order_storage', at: t(0.02), level: 'INFO', message: 'order stored', outcome: 'stored' },
            post(0.05, 202, 'accepted', 60),
            attempt(0.2, 1, 'fulfilled'),
            { function: 'order_storage', at: t(5.02), level: 'INFO', message: 'order already stored', outcome: 'duplicate' },
            post(5.04, 200, 'duplicate', 45),
          ],
          dropped: 0,
        },
      }),
    );
    const events = journey!.events;
    expect(events.filter((event) => event.kind === 'request').map((event) => [event.status_code, event.outcome])).toEqual([
      [202, 'accepted'],
      [200, 'duplicate'],
    ]);
    expect(events.filter((event) => event.kind === 'execution').map((event) => event.execution)).toEqual(['ex-1', 'ex-2']);
    expect(events.filter((event) => event.execution === 'ex-2' && event.kind === 'state').map((event) => event.step)).toEqual([
      'ValidateOrder',
      'StoreOrder',
      'NeedsFulfillment',
      'Accepted',
    ]);
    expect(events.filter((event) => event.step === 'StoreOrder').map((event) => event.detail)).toEqual(['order stored (stored)', 'order already stored (duplicate)']);
    expect(events.some((event) => event.kind === 'log')).toBe(false);
  });

  it('tells a redrive, the sweeper\'s re-sends, retries and failures within a state, and what it cannot place', () => {
    const journey = assembleJourney(
      sources({
        order: order({ status: 'PENDING', redrives: 2, redriven_at: t(60), last_failure: 'simulated', resends: 2 }),
        executions: [
          execution(
            'ex-1',
            0,
            2,
            visits(['ValidateOrder', 'entered', 0], ['ValidateOrder', 'failed', 0.5, 'States.TaskFailed'], ['ValidateOrder', 'retried', 1.5], ['ValidateOrder', 'succeeded', 2]),
            'RUNNING',
          ),
        ],
        log: { entries: [{ function: 'pending_sweeper', at: t(40), level: 'INFO', message: 'pending order re-sent', outcome: 'redriven' }], dropped: 3 },
      }),
    );
    expect(steps(journey)).toEqual([
      'execution workflow execution running',
      'state ValidateOrder succeeded',
      'resend pending order re-sent redriven',
      'redrive FAILED -> PENDING, requeued requeued',
    ]);
    expect(journey!.events[1]).toMatchObject({ duration_ms: 2000, detail: 'retried 1x; States.TaskFailed' });
    expect(journey!.events[3]).toMatchObject({ at: t(60), source: 'dofs redrive', detail: 'redrive 2; after: simulated' });
    expect(journey!.notes).toEqual([
      'The pending sweeper re-sent the order 2 time(s); 1 of them left no line naming the order, so they are not on the timeline.',
      'Redriven 2 times; only the latest (redriven_at) has a time.',
      'The runtime keeps the last 64 log lines per order: 3 older ones were dropped.',
      "No POST for this order is in the runtime's memory (sent before it started, or refused: api_handler names no order_id on a refused POST's line).",
    ]);
    expect(journey!.dropped_events).toBe(3);
  });

  it('falls back on the orders row for what nothing else remembers (an earlier run), and keeps a stray line as a log event', () => {
    const journey = assembleJourney(
      sources({
        order: order({ status: 'FAILED', failed_at: t(9), failure_reason: 'gone' }),
        log: { entries: [{ function: 'validator', at: t(1), level: 'WARN', message: 'odd', reason: 'why' }], dropped: 0 },
      }),
    );
    expect(steps(journey)).toEqual(['stored stored as PENDING stored', 'log odd warn', 'failed marked FAILED failed']);
    expect(journey!.events[2]!.detail).toBe('gone');
    expect(journey!.order).toEqual({ status: 'FAILED', item: 'widget', quantity: 2, attempts: 0, created_at: t(0.02), updated_at: t(0.1), failure_reason: 'gone' });
  });

  it('is undefined for an order no source knows, and has no status for one that was never stored', () => {
    expect(assembleJourney(sources({}))).toBeUndefined();
    const refused = assembleJourney(sources({ executions: [execution('ex-1', 0, 0.01, visits(['ValidateOrder', 'entered', 0], ['ValidateOrder', 'failed', 0.01, 'ValidationError']), 'FAILED')] }));
    expect(refused).toMatchObject({ order_id: 'o-1', events: [{ kind: 'execution', outcome: 'failed' }, { kind: 'state', step: 'ValidateOrder', outcome: 'failed', detail: 'ValidationError' }] });
    expect(refused).not.toHaveProperty('status');
  });
});

describe('parseOrderLogLine', () => {
  const line = (fields: Record<string, unknown>) => JSON.stringify({ level: 'INFO', timestamp: t(1), service: 'dofs', ...fields });

  it('keeps what the journey reads of a line about an order, and the function the runtime says wrote it', () => {
    expect(parseOrderLogLine('fulfill_order', line({ message: 'fulfillment attempt failed', function: 'claimed', order_id: 'o-1', receive_count: 2, outcome: 'retry', reason: 'r', cold_start: true }))).toEqual({
      orderId: 'o-1',
      entry: { function: 'fulfill_order', at: t(1), level: 'INFO', message: 'fulfillment attempt failed', outcome: 'retry', receive_count: 2, reason: 'r' },
    });
    expect(parseOrderLogLine('api_handler', line({ message: 'failed', order_id: 'o-1', error: 'ThrottlingException' }))?.entry).toMatchObject({ function: 'api_handler', reason: 'ThrottlingException' });
  });

  it.each([
    ['not JSON', 'DOFS local runtime ready on http://localhost:3000'],
    ['broken JSON', '{"order_id":'],
    ['no order_id', line({ message: 'pending orders swept' })],
    ['no timestamp', JSON.stringify({ order_id: 'o-1', message: 'x' })],
    ['a metric (EMF) line', line({ order_id: 'o-1', _aws: { CloudWatchMetrics: [] } })],
    ['a read of the order', line({ message: 'request', method: 'GET', order_id: 'o-1', status_code: 200 })],
  ])('passes over %s', (_, text) => {
    expect(parseOrderLogLine('api_handler', text)).toBeUndefined();
  });
});

describe('OrderLogIndex', () => {
  const entry = (n: number): OrderLogEntry => ({ function: 'fulfill_order', at: t(n), level: 'INFO', message: `line ${n}` });

  it('keeps the newest lines of each order, counting those it dropped', () => {
    const index = new OrderLogIndex(10, 3);
    for (let n = 1; n <= 5; n += 1) index.add('o-1', entry(n));
    expect(index.get('o-1')).toEqual({ entries: [entry(3), entry(4), entry(5)], dropped: 2 });
    expect(index.get('o-2')).toBeUndefined();
  });

  it('drops the order logged least recently once it holds too many', () => {
    const index = new OrderLogIndex(2, 3);
    index.add('o-1', entry(1));
    index.add('o-2', entry(2));
    index.add('o-1', entry(3));
    index.add('o-3', entry(4));
    expect(index.get('o-2')).toBeUndefined();
    expect(index.get('o-1')?.entries).toEqual([entry(1), entry(3)]);
    expect(index.get('o-3')?.entries).toEqual([entry(4)]);
  });

  it("indexes only the lines about an order, each under the key of the function whose output it was", () => {
    const index = new OrderLogIndex();
    index.recordOutput({ functionName: 'dofs-local-api_handler', line: JSON.stringify({ level: 'INFO', message: 'request', method: 'POST', timestamp: t(1), order_id: 'o-1', status_code: 202, outcome: 'accepted', duration_ms: 9 }) });
    index.recordOutput({ functionName: 'dofs-local-api_handler', line: 'not a log line' });
    index.recordOutput({ functionName: 'someone-else', line: JSON.stringify({ message: 'x', timestamp: t(2), order_id: 'o-1' }) });
    expect(index.get('o-1')?.entries).toEqual([
      { function: 'api_handler', at: t(1), level: 'INFO', message: 'request', method: 'POST', status_code: 202, outcome: 'accepted', duration_ms: 9 },
      { function: 'someone-else', at: t(2), level: 'INFO', message: 'x' },
    ]);
  });
});
