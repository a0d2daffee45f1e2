import { loadOrder, loadOrderId, sendLoad } from '../cli/load-generator';
import { waitFor } from '../cli/poll';
import type { Progress } from '../cli/progress';
import { percentile, round } from '../cli/stats';

/** When each order was sent, acknowledged and fulfilled (performance.now() in the benchmark process). */
export interface OrderTimes {
  sentAt: number;
  acceptedAt?: number;
  fulfilledAt?: number;
}

export interface LoadFigures {
  readonly clients: number;
  readonly orders: number;
  readonly acceptedPerSecond: number;
  readonly fulfilledPerSecond: number;
  /** Time to acknowledge (POST, or the floor's PutItem + SendMessage). */
  readonly acceptMs: { p50: number; p99: number };
  /** From sending to the conditional update to FULFILLED. */
  readonly fulfillMs: { p50: number; p99: number };
}

/**
 * Runs `submit` for `count` orders from `clients` concurrent clients and waits until all are fulfilled.
 * `submit` resolves once its order is accepted and throws otherwise, which fails the run.
 */
export async function runLoad(
  count: number,
  clients: number,
  prefix: string,
  times: Map<string, OrderTimes>,
  submit: (orderId: string, index: number) => Promise<void>,
  progress: Progress,
  label: string,
  deadlineMs = 120_000,
): Promise<LoadFigures> {
  const ids = Array.from({ length: count }, (_, index) => loadOrderId(prefix, index));
  let accepted = 0;
  const fulfilledCount = () => ids.reduce((sum, id) => sum + (times.get(id)?.fulfilledAt !== undefined ? 1 : 0), 0);
  const report = setInterval(() => progress.update(`${label}: ${accepted}/${count} accepted, ${fulfilledCount()} fulfilled`), 250);
  const started = performance.now();
  try {
    await sendLoad({
      orders: count,
      clients,
      prefix,
      post: async ({ order_id: id }, index) => {
        // In the map before it is sent: its fulfillment may be seen before its acknowledgement.
        const entry = times.get(id) ?? { sentAt: 0 };
        entry.sentAt = performance.now();
        times.set(id, entry);
        await submit(id, index);
        entry.acceptedAt = performance.now();
        accepted += 1;
        return 202;
      },
    });
    // An order once fulfilled stays so: a cursor over the ids checks each order once, not every 20 ms,
    // which keeps the waiting out of the CPU the floor's client is measured with.
    let cursor = 0;
    await waitFor(
      () => `${label}: all ${count} orders fulfilled (${fulfilledCount()} were)`,
      () => {
        while (cursor < count && times.get(ids[cursor]!)?.fulfilledAt !== undefined) cursor += 1;
        return cursor === count ? true : undefined;
      },
      deadlineMs,
      20,
    );
  } finally {
    clearInterval(report);
    progress.done();
  }
  const entries = ids.map((id) => times.get(id)!);
  const lastAccepted = Math.max(...entries.map((entry) => entry.acceptedAt!));
  const lastFulfilled = Math.max(...entries.map((entry) => entry.fulfilledAt!));
  const acceptMs = entries.map((entry) => entry.acceptedAt! - entry.sentAt);
  const fulfillMs = entries.map((entry) => entry.fulfilledAt! - entry.sentAt);
  return {
    clients,
    orders: count,
    acceptedPerSecond: round(count / ((lastAccepted - started) / 1000), 1),
    fulfilledPerSecond: round(count / ((lastFulfilled - started) / 1000), 1),
    acceptMs: { p50: round(percentile(acceptMs, 50), 1), p99: round(percentile(acceptMs, 99), 1) },
    fulfillMs: { p50: round(percentile(fulfillMs, 50), 1), p99: round(percentile(fulfillMs, 99), 1) },
  };
}

/** The orders the benchmark sends: small, valid, all different (the load generator's). */
export function benchOrder(orderId: string, index: number) {
  return loadOrder(orderId, index);
}
