import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { processSqsBatch } from '../shared/batch';
import type { Clock } from '../shared/clock';
import { MalformedMessageError } from '../shared/errors';
import { injectLambdaContext, type Logger } from '../shared/logger';
import { count, logMetrics, recordCompletionTime, type Metrics } from '../shared/metrics';
import { malformedMessageTrace, parseOrderMessage } from '../shared/order-message';
import type { FailedOrderRepository, OrderRepository } from '../shared/order-repository';

export interface DlqHandlerDeps {
  readonly orders: OrderRepository;
  readonly failedOrders: FailedOrderRepository;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

const DEFAULT_REASON = 'fulfillment did not succeed before the message reached order_dlq';

/**
 * order_dlq consumer. Marks the order FAILED, then writes its failed_orders row; both writes are
 * conditional, so a redelivery (or a crash between them) converges on one row. An order that a
 * duplicate message fulfilled in the meantime stays FULFILLED and gets no row.
 *
 * The same conditions count each order once: OrdersFailed and TimeToFailed when this message
 * made it FAILED; OrdersDeadLettered when it wrote the order's failed_orders row, or found the order
 * already fulfilled (its message still reached order_dlq). A redelivery, or a second message for an
 * order already recorded, counts nothing. What an invocation counts is printed on one EMF line when it
 * ends.
 */
export function createDlqHandler({ orders, failedOrders, clock, logger, metrics }: DlqHandlerDeps) {
  async function recordFailure(record: SQSRecord): Promise<void> {
    let message;
    try {
      message = parseOrderMessage(record);
    } catch (error) {
      // No order to attribute it to, and redelivery cannot fix it: log all of it (the trace an operator
      // replays it from) and drop it. fulfill_order logged each of its receives the same way.
      if (!(error instanceof MalformedMessageError)) throw error;
      logger.error('malformed message on order_dlq dropped', { outcome: 'dropped', ...malformedMessageTrace(record, error) });
      return;
    }
    const orderId = message.order_id;
    const receiveCount = Number(record.attributes.ApproximateReceiveCount);
    const now = clock();
    const current = await orders.get(orderId);
    const reason = current?.last_error ?? DEFAULT_REASON;

    const outcome = await orders.markFailed(orderId, reason, now);
    if (outcome === 'already-fulfilled') {
      logger.info('order already fulfilled, no failure recorded', { order_id: orderId, outcome: 'skipped' });
      count(metrics, 'ordersDeadLettered');
      return;
    }
    if (outcome === 'marked') {
      count(metrics, 'ordersFailed');
      recordCompletionTime(metrics, 'timeToFailed', current?.created_at, now);
    }
    const inserted = await failedOrders.recordOnce({
      order_id: orderId,
      item: current?.item ?? message.item,
      quantity: current?.quantity ?? message.quantity,
      reason,
      attempts: current?.attempts ?? 0,
      receive_count: receiveCount,
      failed_at: now,
    });
    logger.warn(inserted ? 'order failed' : 'order failure already recorded', {
      order_id: orderId,
      outcome: inserted ? 'failed' : 'duplicate',
      order_missing: outcome === 'missing',
      receive_count: receiveCount,
    });
    if (inserted) count(metrics, 'ordersDeadLettered');
  }

  return injectLambdaContext(
    logger,
    logMetrics(metrics, (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => processSqsBatch(event, context, recordFailure)),
  );
}
