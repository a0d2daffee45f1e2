/**
 * The order load generator `dofs load`, the benchmark and the reliability suites share: N orders,
 * each `<prefix>-<index>`, sent from C concurrent clients, with what each client was answered.
 */
import type { Order } from '../lambdas/shared/order';

/** What a client records when no answer came (connection refused or reset, 30 s passed). */
export const NO_ANSWER = 'network';

/** How a POST was answered: its HTTP status, or NO_ANSWER. */
export type Answer = number | typeof NO_ANSWER;

/** 202 accepted, or 200 for an order already submitted: either way the API holds the order. */
export const acknowledges = (answer: Answer): boolean => answer === 202 || answer === 200;

/** A 4xx: the API understood the order and said no. */
export const refuses = (answer: Answer): boolean => typeof answer === 'number' && answer >= 400 && answer < 500;

/** No answer, or a 5xx: the API could not take the order this time (a retry may succeed). */
export const isError = (answer: Answer): boolean => answer === NO_ANSWER || (typeof answer === 'number' && answer >= 500);

/** The API refused an order the load meant to be valid: the load, not the pipeline, is wrong. */
export class OrderRefusedError extends Error {
  constructor(
    readonly orderId: string,
    readonly answer: Answer,
  ) {
    super(`order ${orderId} refused with ${answer}`);
    this.name = 'OrderRefusedError';
  }
}

/** The orders a load sends: small, valid, all different; `item` names what is ordered. */
export function loadOrder(orderId: string, index: number, item = 'item'): Order {
  return { order_id: orderId, item: `${item} ${index % 17}`, quantity: (index % 9) + 1 };
}

export const loadOrderId = (prefix: string, index: number): string => `${prefix}-${index}`;

/** Runs `work` for every index from `concurrency` workers. */
export async function forEachConcurrently(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let index = next++; index < count; index = next++) await work(index);
    }),
  );
}

/** POSTs an order to the API at `baseUrl` as a client does, giving up after 30 s. */
export async function postOrder(baseUrl: string, order: Order): Promise<{ answer: Answer; body: string }> {
  try {
    const response = await fetch(`${baseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
      signal: AbortSignal.timeout(30_000),
    });
    return { answer: response.status, body: await response.text() };
  } catch (error) {
    return { answer: NO_ANSWER, body: (error as Error).message };
  }
}

/** One order of a load and what its client saw (times are performance.now()). */
export interface SentOrder {
  readonly order: Order;
  /** When its first POST went out. */
  readonly sentAt: number;
  /** When its last answer came. */
  readonly answeredAt: number;
  /** Its last answer (the first one unless the client retried). */
  readonly answer: Answer;
}

export interface LoadPlan {
  readonly orders: number;
  readonly clients: number;
  /** Order ids are `<prefix>-<index>`. */
  readonly prefix: string;
  /** What is ordered: `<item> <index % 17>` (default "item"). */
  readonly item?: string;
  /** Sends one order and resolves to the answer; throwing fails the whole load. */
  readonly post: (order: Order, index: number) => Promise<Answer>;
  /** Retry an order the API could not take (no answer, a 5xx), as a patient client does; default: answer once. */
  readonly retry?: { readonly attempts: number; readonly delayMs: number };
  /** Fail the load with OrderRefusedError on a 4xx instead of counting it. */
  readonly failOnRefusal?: boolean;
  /** After each order's last answer. */
  readonly onAnswered?: (sent: SentOrder, index: number) => void;
}

export interface LoadResult {
  /** Each order by index. */
  readonly sent: readonly SentOrder[];
  /** The ids the API acknowledged (202 or 200). */
  readonly acknowledged: Set<string>;
  /** Every answer, retries included, counted by status (NO_ANSWER for none). */
  readonly statuses: Record<string, number>;
  readonly retries: number;
}

/** Sends the plan's orders from its concurrent clients; resolves once each has its last answer. */
export async function sendLoad(plan: LoadPlan): Promise<LoadResult> {
  const sent: SentOrder[] = [];
  const acknowledged = new Set<string>();
  const statuses: Record<string, number> = {};
  const { attempts, delayMs } = plan.retry ?? { attempts: 1, delayMs: 0 };
  let retries = 0;
  await forEachConcurrently(plan.orders, plan.clients, async (index) => {
    const order = loadOrder(loadOrderId(plan.prefix, index), index, plan.item);
    const sentAt = performance.now();
    const attempt = async () => {
      const answer = await plan.post(order, index);
      statuses[String(answer)] = (statuses[String(answer)] ?? 0) + 1;
      return { answer, answeredAt: performance.now() };
    };
    let { answer, answeredAt } = await attempt();
    for (let tries = 1; isError(answer) && tries < attempts; tries += 1) {
      retries += 1;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      ({ answer, answeredAt } = await attempt());
    }
    if (acknowledges(answer)) acknowledged.add(order.order_id);
    if (plan.failOnRefusal && typeof answer === 'number' && !acknowledges(answer) && !isError(answer)) throw new OrderRefusedError(order.order_id, answer);
    const entry: SentOrder = { order, sentAt, answeredAt, answer };
    sent[index] = entry;
    plan.onAnswered?.(entry, index);
  });
  return { sent, acknowledged, statuses, retries };
}
