import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../shared/clock';
import { injectLambdaContext, type Logger } from '../shared/logger';
import { count, logMetrics, recordCompletionTime, type Metrics } from '../shared/metrics';
import type { OrderRecord } from '../shared/order';
import type { FailedOrderRepository, OrderRepository } from '../shared/order-repository';

export interface PendingSweeperDeps {
  readonly orders: Pick<OrderRepository, 'pendingSince' | 'markResent' | 'failPending'>;
  readonly failedOrders: Pick<FailedOrderRepository, 'recordOnce'>;
  readonly sqs: Pick<SQSClient, 'send'>;
  readonly orderQueueUrl: string;
  /** PENDING orders untouched for longer than this are re-sent. */
  readonly redriveAfterSeconds: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** A scheduled event, or a manual run: `{"olderThanSeconds": 0}` re-sends every PENDING order. */
export interface SweepRequest {
  readonly olderThanSeconds?: number;
}

export interface SweepResult {
  readonly redriven: number;
  /** Orders whose message order_queue refuses for good (a sender fault): marked FAILED. */
  readonly refused: number;
}

/** Some re-sends failed for a reason that may pass (throttling, an outage): the next sweep tries again. */
export class SweepIncompleteError extends Error {
  constructor(readonly retryLater: number, readonly redriven: number) {
    super(`${retryLater} PENDING orders could not be re-sent to order_queue (${redriven} were); the next sweep retries them`);
    this.name = 'SweepIncompleteError';
  }
}

const BATCH = 10;

type Pending = Pick<OrderRecord, 'order_id' | 'item' | 'quantity' | 'updated_at'>;

/**
 * Finds orders stuck in PENDING (stored, but their message never reached order_queue) and sends them
 * again. Safe to repeat: fulfillment is a conditional PENDING -> FULFILLED update, so an order whose
 * message did exist is still fulfilled once. A re-sent order's `updated_at` moves on (conditionally), so
 * a backlog longer than the redrive age gains one extra message per redrive age, not one per sweep.
 * An order order_queue refuses as a sender fault can never be enqueued: it is marked FAILED with a
 * failed_orders row, as the DLQ path would, rather than left PENDING for ever. Any other refusal fails
 * the invocation (an alarm) after the rest were sent.
 *
 * Each order counts once, by the conditional write that changed it: OrdersRedriven when its re-send was
 * noted (it was still PENDING and untouched), OrdersFailed and TimeToFailed when it became FAILED. All of
 * a sweep's metrics are printed on one EMF line when it ends.
 */
export function createPendingSweeperHandler(deps: PendingSweeperDeps) {
  const { orders, failedOrders, sqs, orderQueueUrl, clock, logger, metrics } = deps;

  async function failForGood(order: Pending, code: string, now: string): Promise<void> {
    const reason = `order_queue refused the order's message (${code})`;
    // Not PENDING any more (fulfilled or failed since the sweep read it): nothing to record.
    const failed = await orders.failPending(order.order_id, reason, now);
    if (!failed) return;
    count(metrics, 'ordersFailed');
    recordCompletionTime(metrics, 'timeToFailed', failed.created_at, now);
    await failedOrders.recordOnce({ order_id: order.order_id, item: order.item, quantity: order.quantity, reason, attempts: 0, receive_count: 0, failed_at: now });
    logger.error('order refused by order_queue: marked FAILED', { order_id: order.order_id, outcome: 'failed', error: code });
  }

  async function sweep(event: SweepRequest | undefined): Promise<SweepResult> {
    const olderThan = typeof event?.olderThanSeconds === 'number' && event.olderThanSeconds >= 0 ? event.olderThanSeconds : deps.redriveAfterSeconds;
    // An age past the epoch (a manual run with a huge number) sweeps nothing rather than failing.
    const before = new Date(Math.max(0, Date.parse(clock()) - olderThan * 1000)).toISOString();
    let batch: Pending[] = [];
    let redriven = 0;
    let refused = 0;
    let retryLater = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const { Failed = [] } = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: orderQueueUrl,
          Entries: batch.map((order, index) => ({ Id: String(index), MessageBody: JSON.stringify({ order_id: order.order_id, item: order.item, quantity: order.quantity }) })),
        }),
      );
      const failures = new Map(Failed.map((failure) => [failure.Id, failure]));
      const now = clock();
      for (const [index, order] of batch.entries()) {
        const failure = failures.get(String(index));
        if (!failure) {
          redriven += 1;
          if (await orders.markResent(order.order_id, order.updated_at, now)) count(metrics, 'ordersRedriven');
        } else if (failure.SenderFault) {
          refused += 1;
          await failForGood(order, failure.Code ?? 'unknown', now);
        } else {
          retryLater += 1;
        }
      }
      batch = [];
    };
    for await (const order of orders.pendingSince(before)) {
      batch.push(order);
      if (batch.length === BATCH) await flush();
    }
    await flush();
    logger.info('pending orders swept', { outcome: redriven > 0 ? 'redriven' : 'none', redriven, refused, retry_later: retryLater, older_than_seconds: olderThan });
    if (retryLater > 0) throw new SweepIncompleteError(retryLater, redriven);
    return { redriven, refused };
  }

  return injectLambdaContext(logger, logMetrics(metrics, sweep));
}
