import * as v from 'valibot';
import { ValidationError, type FieldProblem } from './errors';

/** The order status model: PENDING -> FULFILLED | FAILED. FULFILLED is final; only an operator's redrive reopens FAILED. */
export const ORDER_STATUSES = ['PENDING', 'FULFILLED', 'FAILED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_ID_MAX_LENGTH = 64;
export const ITEM_MAX_LENGTH = 200;
export const QUANTITY_MIN = 1;
export const QUANTITY_MAX = 1000;

// C0/C1 control characters: never a legitimate part of an item name, and a classic log-injection vector.
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
// Text SQS cannot carry (U+FFFE, U+FFFF) and text that is not Unicode at all (unpaired surrogates, which
// DynamoDB cannot store as UTF-8): accepting them would store an order that can never be enqueued.
const NOT_UNICODE_TEXT = /[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Unicode code points in a string (a lone surrogate counts as one; the schema refuses those anyway). */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function typeMessage(expected: string) {
  return (issue: v.BaseIssue<unknown>) => (issue.input === undefined ? 'is required' : `must be ${expected}`);
}

export const OrderIdSchema = v.pipe(
  v.string(typeMessage('a string')),
  v.minLength(1, 'must not be empty'),
  v.maxLength(ORDER_ID_MAX_LENGTH, `must be at most ${ORDER_ID_MAX_LENGTH} characters`),
  v.regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "_" and "-"'),
);

const ItemSchema = v.pipe(
  v.string(typeMessage('a string')),
  v.check((item) => item.trim().length > 0, 'must not be empty'),
  // Characters are code points, as JSON Schema's maxLength counts them: an emoji (two UTF-16 units) is
  // one, a combining accent one more. valibot's maxLength counts UTF-16 units.
  v.check((item) => codePoints(item) <= ITEM_MAX_LENGTH, `must be at most ${ITEM_MAX_LENGTH} characters`),
  v.check((item) => !CONTROL_CHARACTERS.test(item), 'must not contain control characters'),
  v.check((item) => !NOT_UNICODE_TEXT.test(item), 'must be valid Unicode text'),
);

const QuantitySchema = v.pipe(
  v.number(typeMessage('a number')),
  v.integer('must be an integer'),
  v.minValue(QUANTITY_MIN, `must be at least ${QUANTITY_MIN}`),
  v.maxValue(QUANTITY_MAX, `must be at most ${QUANTITY_MAX}`),
);

// The object schema reports both unknown keys (expected "never") and missing keys (input undefined).
function objectMessage(issue: v.BaseIssue<unknown>): string {
  if (issue.expected === 'never') return 'is not an allowed field';
  return issue.path && issue.input === undefined ? 'is required' : 'must be a JSON object';
}

export const OrderSchema = v.strictObject({ order_id: OrderIdSchema, item: ItemSchema, quantity: QuantitySchema }, objectMessage);

export type Order = v.InferOutput<typeof OrderSchema>;

/** What the orders table holds for one order. */
export interface OrderRecord extends Order {
  status: OrderStatus;
  created_at: string;
  updated_at: string;
  /** Fulfillment attempts that failed so far. */
  attempts: number;
  last_error?: string;
  failure_reason?: string;
  fulfilled_at?: string;
  failed_at?: string;
  /** Set by an operator's redrive (FAILED -> PENDING): how often, when last, and the failure it followed. */
  redrives?: number;
  redriven_at?: string;
  last_failure?: string;
  /** How often the pending sweeper re-sent the order's message (it never reached order_queue). */
  resends?: number;
}

/**
 * An order as the API shows it (GET /orders/{order_id}), and as the command line reads it: the failure
 * fields only once it has FAILED, the redrive fields only once it was redriven; never the bookkeeping
 * (last_error, resends, the timestamps of each transition).
 */
export type OrderView = Pick<OrderRecord, 'order_id' | 'item' | 'quantity' | 'status' | 'created_at' | 'updated_at'> &
  Partial<Pick<OrderRecord, 'failure_reason' | 'attempts' | 'redrives' | 'last_failure'>>;

export function orderView(order: OrderRecord): OrderView {
  const view: OrderView = {
    order_id: order.order_id,
    item: order.item,
    quantity: order.quantity,
    status: order.status,
    created_at: order.created_at,
    updated_at: order.updated_at,
  };
  const redriven = order.redrives ? { redrives: order.redrives, last_failure: order.last_failure } : {};
  return order.status === 'FAILED' ? { ...view, failure_reason: order.failure_reason, attempts: order.attempts, ...redriven } : { ...view, ...redriven };
}

/** The body the fulfillment queues carry. */
export type OrderMessage = Order;

const BODY_FIELD = 'body';

function toFieldProblems(issues: readonly v.BaseIssue<unknown>[]): FieldProblem[] {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const field = issue.path?.map((item) => String(item.key)).join('.') || BODY_FIELD;
    if (!byField.has(field)) byField.set(field, issue.message);
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}

/** Parses an untrusted value as an order, or throws a ValidationError naming every bad field. */
export function parseOrder(input: unknown): Order {
  // valibot's object schemas accept arrays; an order is a JSON object and nothing else.
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError([{ field: BODY_FIELD, message: 'must be a JSON object' }]);
  }
  const result = v.safeParse(OrderSchema, input, { abortPipeEarly: true });
  if (result.success) return result.output;
  throw new ValidationError(toFieldProblems(result.issues));
}

/** Checks an order_id taken from a URL path. */
export function parseOrderId(input: string): string {
  const result = v.safeParse(OrderIdSchema, input, { abortPipeEarly: true });
  if (result.success) return result.output;
  throw new ValidationError([{ field: 'order_id', message: result.issues[0]?.message ?? 'is invalid' }], 'Invalid order_id');
}

/**
 * The order_id a submission names, when it is one an order could have, whatever else is wrong with the
 * submission: what the lines about it carry, so that one query on order_id finds even refused attempts.
 */
export function submittedOrderId(body: unknown): string | undefined {
  const candidate = typeof body === 'object' && body !== null ? (body as { order_id?: unknown }).order_id : undefined;
  return v.is(OrderIdSchema, candidate) ? candidate : undefined;
}

/** True when a resubmission carries the same payload as the stored order. */
export function samePayload(stored: Order, submitted: Order): boolean {
  return stored.item === submitted.item && stored.quantity === submitted.quantity;
}
