/**
 * An order's whole journey on one timeline (GET /_local/orders/{order_id}/journey, `dofs get --journey`,
 * the console): assembled from what the runtime already holds, each fact from the one source that has it.
 *
 *   the POST and its answer        api_handler's `request` line (its end, minus duration_ms)
 *   the workflow and its states    the execution history (local/executions.ts), entered and left times
 *   each receive from order_queue  fulfill_order's line with receive_count and outcome
 *   the move to order_dlq          dlq_handler's line
 *   the failed_orders row          the failed_orders table
 *   pending-sweeper re-sends       pending_sweeper's lines about the order; the row's `resends` count
 *   redrives                       the orders row's redrives, redriven_at and last_failure
 *
 * Only the assembly is here, over plain inputs: local/journey-reader.ts reads the sources.
 */
import type { OrderRecord, OrderStatus } from '../lambdas/shared/order';
import type { FailedOrderRecord } from '../lambdas/shared/order-repository';
import { WORKFLOW_STATES } from '../topology/workflow';
import { timedExecutionPath, type ExecutionRecord } from './executions';
import { MAX_EVENTS_PER_ORDER, type OrderLog, type OrderLogEntry } from './order-log-index';

export type JourneyEventKind =
  | 'request'
  | 'execution'
  | 'state'
  | 'fulfillment'
  | 'dead-letter'
  | 'failed-row'
  | 'resend'
  | 'redrive'
  | 'stored'
  | 'fulfilled'
  | 'failed'
  | 'log';

export interface JourneyEvent {
  /** When it began (ISO time). */
  readonly at: string;
  /** How long it took, where that is known. */
  readonly duration_ms?: number;
  readonly kind: JourneyEventKind;
  /** Who acted: a function, the workflow, a table, an operator. */
  readonly source: string;
  /** What happened: "POST /orders", a state's name, "order_queue receive 2"… */
  readonly step: string;
  /** How it ended: accepted, succeeded, retry, fulfilled, failed… */
  readonly outcome: string;
  readonly detail?: string;
  /** The HTTP status the POST was answered with. */
  readonly status_code?: number;
  /** The SQS receive this was (1 for the first delivery). */
  readonly receive_count?: number;
  /** The workflow execution a state belongs to. */
  readonly execution?: string;
}

/** The order as the orders table holds it now. */
export type JourneyOrder = Pick<OrderRecord, 'status' | 'item' | 'quantity' | 'attempts' | 'created_at' | 'updated_at'> &
  Partial<Pick<OrderRecord, 'failure_reason' | 'redrives' | 'redriven_at' | 'last_failure' | 'resends'>>;

export interface Journey {
  readonly order_id: string;
  /** Absent when the order was never stored (refused) or is no longer in the table. */
  readonly status?: OrderStatus;
  readonly order?: JourneyOrder;
  /** In time order. */
  readonly events: JourneyEvent[];
  /** Log lines about the order the runtime dropped to stay bounded (the oldest go first). */
  readonly dropped_events: number;
  /** What the timeline cannot show, in words. */
  readonly notes: string[];
}

export interface JourneySources {
  readonly orderId: string;
  readonly order: OrderRecord | undefined;
  readonly failedRow: FailedOrderRecord | undefined;
  /** The order's executions, in any order. */
  readonly executions: readonly ExecutionRecord[];
  readonly log: OrderLog | undefined;
}

/** The workflow task each function runs as: its lines describe that state's work. */
const TASK_STATE_OF: Record<string, string> = { validator: WORKFLOW_STATES.validate, order_storage: WORKFLOW_STATES.store };

/** dlq_handler reads its clock before it writes the failed_orders row and logs after; further apart is not one receive. */
const SAME_RECEIVE_MS = 60_000;

const ms = (iso: string) => Date.parse(iso);
const isRequest = (entry: OrderLogEntry) => entry.function === 'api_handler' && entry.message === 'request';
const between = (from: string, to: string) => Math.max(0, ms(to) - ms(from));

function requestEvent(entry: OrderLogEntry): JourneyEvent {
  const duration = entry.duration_ms ?? 0;
  return {
    // The line is written once the answer is ready: the request began duration_ms earlier.
    at: new Date(ms(entry.at) - duration).toISOString(),
    duration_ms: duration,
    kind: 'request',
    source: 'api_handler',
    step: `${entry.method ?? 'POST'} /orders`,
    outcome: entry.outcome ?? 'answered',
    ...(entry.status_code === undefined ? {} : { status_code: entry.status_code }),
  };
}

function executionEvents(record: ExecutionRecord): JourneyEvent[] {
  const execution: JourneyEvent = {
    at: record.startDate,
    ...(record.stopDate ? { duration_ms: between(record.startDate, record.stopDate) } : {}),
    kind: 'execution',
    source: 'order workflow',
    step: 'workflow execution',
    outcome: record.status.toLowerCase(),
    execution: record.name,
    ...(record.error ? { detail: [record.error, record.cause].filter(Boolean).join(': ') } : {}),
  };
  const states = timedExecutionPath(record.states).map(
    (step): JourneyEvent => ({
      at: step.enteredAt,
      ...(step.leftAt && step.outcome !== 'entered' ? { duration_ms: between(step.enteredAt, step.leftAt) } : {}),
      kind: 'state',
      source: 'order workflow',
      step: step.name,
      outcome: step.outcome,
      execution: record.name,
      ...detail([step.retries > 0 ? `retried ${step.retries}x` : undefined, step.error]),
    }),
  );
  return [execution, ...states];
}

function detail(parts: (string | undefined)[]): { detail?: string } {
  const text = parts.filter(Boolean).join('; ');
  return text ? { detail: text } : {};
}

/** A line from a task's function, told as part of the state it ran in; false when no state spans it. */
function attachToState(entry: OrderLogEntry, events: JourneyEvent[]): boolean {
  const stateName = TASK_STATE_OF[entry.function];
  const at = ms(entry.at);
  const index = events.findIndex(
    (event) => event.kind === 'state' && event.step === stateName && ms(event.at) <= at && at <= ms(event.at) + (event.duration_ms ?? 0),
  );
  if (index < 0) return false;
  const state = events[index]!;
  events[index] = { ...state, ...detail([state.detail, `${entry.message}${entry.outcome ? ` (${entry.outcome})` : ''}`]) };
  return true;
}

function logEvent(entry: OrderLogEntry, failedRow: FailedOrderRecord | undefined): JourneyEvent {
  const told = (kind: JourneyEventKind, step: string, at = entry.at): JourneyEvent => ({
    at,
    ...(at === entry.at ? {} : { duration_ms: between(at, entry.at) }),
    kind,
    source: entry.function,
    step,
    outcome: entry.outcome ?? entry.level.toLowerCase(),
    ...detail([entry.reason]),
    ...(entry.receive_count === undefined ? {} : { receive_count: entry.receive_count }),
  });
  switch (entry.function) {
    case 'fulfill_order':
      return told('fulfillment', `order_queue receive ${entry.receive_count ?? '?'}`);
    case 'dlq_handler': {
      // The receive began before dlq_handler stamped the row it wrote (failed_at) and ended at its line.
      const stamped = failedRow && ms(failedRow.failed_at) <= ms(entry.at) && ms(entry.at) - ms(failedRow.failed_at) < SAME_RECEIVE_MS;
      return told('dead-letter', 'order_dlq receive', stamped ? failedRow.failed_at : entry.at);
    }
    case 'pending_sweeper':
      return told('resend', entry.message);
    default:
      return told('log', entry.message);
  }
}

/** What the orders row says happened that nothing else showed (an earlier run's orders, or lines dropped). */
function recordEvents(order: OrderRecord, shown: JourneyEvent[]): JourneyEvent[] {
  const events: JourneyEvent[] = [];
  const has = (kind: JourneyEventKind, outcome?: string) => shown.some((event) => event.kind === kind && (outcome === undefined || event.outcome === outcome));
  if (!has('execution')) events.push({ at: order.created_at, kind: 'stored', source: 'orders', step: 'stored as PENDING', outcome: 'stored' });
  if (order.fulfilled_at && !has('fulfillment', 'fulfilled')) {
    events.push({ at: order.fulfilled_at, kind: 'fulfilled', source: 'orders', step: 'marked FULFILLED', outcome: 'fulfilled' });
  }
  if (order.failed_at && !has('dead-letter') && !has('failed-row')) {
    events.push({ at: order.failed_at, kind: 'failed', source: 'orders', step: 'marked FAILED', outcome: 'failed', ...detail([order.failure_reason]) });
  }
  if (order.redriven_at) {
    events.push({
      at: order.redriven_at,
      kind: 'redrive',
      source: 'dofs redrive',
      step: 'FAILED -> PENDING, requeued',
      outcome: 'requeued',
      ...detail([`redrive ${order.redrives ?? 1}`, order.last_failure ? `after: ${order.last_failure}` : undefined]),
    });
  }
  return events;
}

function failedRowEvent(row: FailedOrderRecord): JourneyEvent {
  return {
    at: row.failed_at,
    kind: 'failed-row',
    source: 'failed_orders',
    step: 'failed_orders row',
    outcome: 'recorded',
    receive_count: row.receive_count,
    detail: `${row.reason}; ${row.attempts} attempts`,
  };
}

function notesFor(sources: JourneySources, events: JourneyEvent[]): string[] {
  const { order, log } = sources;
  const notes: string[] = [];
  const resent = events.filter((event) => event.kind === 'resend').length;
  if (order?.resends && order.resends > resent) {
    notes.push(`The pending sweeper re-sent the order ${order.resends} time(s); ${order.resends - resent} of them left no line naming the order, so they are not on the timeline.`);
  }
  if (order?.redrives && order.redrives > 1) notes.push(`Redriven ${order.redrives} times; only the latest (redriven_at) has a time.`);
  if (log && log.dropped > 0) notes.push(`The runtime keeps the last ${MAX_EVENTS_PER_ORDER} log lines per order: ${log.dropped} older ones were dropped.`);
  if (!events.some((event) => event.kind === 'request')) {
    notes.push("No POST for this order is in the runtime's memory (sent before it started, or refused: api_handler names no order_id on a refused POST's line).");
  }
  return notes;
}

function journeyOrder(order: OrderRecord): JourneyOrder {
  const { status, item, quantity, attempts, created_at, updated_at, failure_reason, redrives, redriven_at, last_failure, resends } = order;
  const optional = { failure_reason, redrives, redriven_at, last_failure, resends };
  return { status, item, quantity, attempts, created_at, updated_at, ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)) };
}

/** The order's journey, or undefined when no source knows the order at all. */
export function assembleJourney(sources: JourneySources): Journey | undefined {
  const { orderId, order, failedRow, executions, log } = sources;
  if (!order && !failedRow && executions.length === 0 && !log) return undefined;
  const entries = log?.entries ?? [];

  const events: JourneyEvent[] = [
    ...entries.filter(isRequest).map(requestEvent),
    ...[...executions].sort((a, b) => ms(a.startDate) - ms(b.startDate)).flatMap(executionEvents),
  ];
  for (const entry of entries) {
    if (isRequest(entry)) continue;
    if (Object.hasOwn(TASK_STATE_OF, entry.function) && attachToState(entry, events)) continue;
    events.push(logEvent(entry, failedRow));
  }
  if (failedRow) events.push(failedRowEvent(failedRow));
  if (order) events.push(...recordEvents(order, events));

  // Stable: events at the same millisecond keep the order above (a receive before the row it wrote).
  events.sort((a, b) => ms(a.at) - ms(b.at));
  return {
    order_id: orderId,
    ...(order ? { status: order.status, order: journeyOrder(order) } : {}),
    events,
    dropped_events: log?.dropped ?? 0,
    notes: notesFor(sources, events),
  };
}
