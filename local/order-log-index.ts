/**
 * What the functions logged about each order, kept as the lines arrive so a journey is a map lookup,
 * never a scan of the logs. Bounded both ways: the newest MAX_ORDERS orders (the least recently logged
 * one is dropped first) and the newest MAX_EVENTS_PER_ORDER lines of each (its oldest dropped first).
 */
import { FUNCTION_KEYS } from '../topology/functions';
import type { FunctionOutputLine } from './function-output';
import { localFunctionName } from './names';

/** As many orders as the runtime keeps executions of (local/executions.ts), so both cover the same orders. */
export const MAX_ORDERS = 1000;
/** A failed order takes 5 lines (the POST, 3 attempts, order_dlq); this leaves room for a dozen redrives. */
export const MAX_EVENTS_PER_ORDER = 64;

/** One log line about an order: the fields of the handlers' lines the journey reads. */
export interface OrderLogEntry {
  /** The function that wrote it (its key in topology/functions.ts). */
  readonly function: string;
  /** The line's timestamp: when the function wrote it, at the end of what it describes. */
  readonly at: string;
  readonly level: string;
  readonly message: string;
  readonly outcome?: string;
  readonly receive_count?: number;
  readonly method?: string;
  readonly status_code?: number;
  readonly duration_ms?: number;
  /** Why an attempt failed: the line's `reason`, else its `error`. */
  readonly reason?: string;
}

export interface OrderLog {
  /** Oldest first, as the lines arrived. */
  readonly entries: readonly OrderLogEntry[];
  /** Lines about this order dropped to keep the bound. */
  readonly dropped: number;
}

/** dofs-local-fulfill_order -> fulfill_order: the function keys by the local names the function output carries. */
const KEY_OF_NAME = new Map<string, string>(FUNCTION_KEYS.map((key) => [localFunctionName(key), key]));

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * The order a log line is about and what the journey reads of it, or undefined for a line it does not
 * use: not JSON, no order_id, a metric (EMF) line, or a read (GET) of the order, which changes nothing
 * and which `dofs submit --wait` repeats many times.
 */
export function parseOrderLogLine(functionKey: string, line: string): { orderId: string; entry: OrderLogEntry } | undefined {
  // Every function's every line passes here: parse only those that can name an order (EMF lines do not).
  if (!line.startsWith('{') || !line.includes('"order_id"')) return undefined;
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const orderId = text(fields.order_id);
  const at = text(fields.timestamp);
  if (!orderId || !at || '_aws' in fields) return undefined;
  if (fields.message === 'request' && fields.method !== 'POST') return undefined;
  const entry: OrderLogEntry = {
    // Which worker wrote the line, as the runtime knows it, rather than what the line says of itself.
    function: functionKey,
    at,
    level: text(fields.level) ?? 'INFO',
    message: text(fields.message) ?? '',
    outcome: text(fields.outcome),
    receive_count: number(fields.receive_count),
    method: text(fields.method),
    status_code: number(fields.status_code),
    duration_ms: number(fields.duration_ms),
    reason: text(fields.reason) ?? text(fields.error),
  };
  // Only the fields the line had: the entries are served as JSON.
  return { orderId, entry: Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)) as unknown as OrderLogEntry };
}

interface Slot {
  entries: OrderLogEntry[];
  dropped: number;
}

export class OrderLogIndex {
  private readonly orders = new Map<string, Slot>();

  constructor(
    private readonly maxOrders = MAX_ORDERS,
    private readonly maxEventsPerOrder = MAX_EVENTS_PER_ORDER,
  ) {}

  /** Reads one line of a function's output (local/function-output.ts); keeps it if it is about an order. */
  recordOutput({ functionName, line }: FunctionOutputLine): void {
    this.record(KEY_OF_NAME.get(functionName) ?? functionName, line);
  }

  /** Reads one line a function (by its key) wrote; keeps it if it is about an order. */
  record(functionKey: string, line: string): void {
    const parsed = parseOrderLogLine(functionKey, line);
    if (parsed) this.add(parsed.orderId, parsed.entry);
  }

  add(orderId: string, entry: OrderLogEntry): void {
    const slot = this.orders.get(orderId) ?? { entries: [], dropped: 0 };
    // Re-inserted, so the Map's first key is always the order logged least recently.
    this.orders.delete(orderId);
    this.orders.set(orderId, slot);
    slot.entries.push(entry);
    if (slot.entries.length > this.maxEventsPerOrder) {
      slot.entries.shift();
      slot.dropped += 1;
    }
    if (this.orders.size > this.maxOrders) this.orders.delete(this.orders.keys().next().value!);
  }

  get(orderId: string): OrderLog | undefined {
    const slot = this.orders.get(orderId);
    return slot && { entries: [...slot.entries], dropped: slot.dropped };
  }
}
