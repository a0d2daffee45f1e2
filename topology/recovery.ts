import { MAX_RECEIVE_COUNT, ORDER_QUEUE } from './queues';

/**
 * Recovery of orders stored but never enqueued (the workflow failed after StoreOrder, or a local
 * runtime died between the two): the pending sweeper re-sends every PENDING order untouched for longer
 * than any normal fulfillment takes. A normal fulfillment ends within MAX_RECEIVE_COUNT receives, one
 * visibility timeout apart, plus the DLQ hop; five times that is well past it (15 minutes on AWS).
 * Re-sending is safe either way: fulfillment is a conditional PENDING -> FULFILLED update.
 */
export const PENDING_REDRIVE_AFTER_VISIBILITY_TIMEOUTS = 5 * MAX_RECEIVE_COUNT;
/** The sweep runs every this many visibility timeouts (5 minutes on AWS). */
export const PENDING_SWEEP_EVERY_VISIBILITY_TIMEOUTS = 5;

export interface PendingSweepTiming {
  readonly everySeconds: number;
  readonly redriveAfterSeconds: number;
}

/** The rule, for a queue whose visibility timeout is `visibilityTimeoutSeconds`. */
export function pendingSweepTiming(visibilityTimeoutSeconds: number): PendingSweepTiming {
  return {
    everySeconds: PENDING_SWEEP_EVERY_VISIBILITY_TIMEOUTS * visibilityTimeoutSeconds,
    redriveAfterSeconds: PENDING_REDRIVE_AFTER_VISIBILITY_TIMEOUTS * visibilityTimeoutSeconds,
  };
}

/** On AWS: every 5 minutes, orders untouched for 15 minutes (order_queue's visibility timeout is 60 s). */
export const DEPLOYED_PENDING_SWEEP = pendingSweepTiming(ORDER_QUEUE.visibilityTimeoutSeconds);
export const PENDING_SWEEP_SCHEDULE = `rate(${DEPLOYED_PENDING_SWEEP.everySeconds / 60} minutes)`;
export const PENDING_REDRIVE_AFTER_SECONDS = DEPLOYED_PENDING_SWEEP.redriveAfterSeconds;
