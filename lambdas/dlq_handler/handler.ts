import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { processSqsBatch } from '../shared/batch';
import type { Clock } from '../shared/clock';
import { MalformedMessageError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { malformedMessageTrace, parseOrderMessage } from '../shared/order-message';
import type { FailedOrderRepository, OrderRepository } from '../shared/order-repository';

export interface DlqHandlerDeps {
  readonly orders: OrderRepository;
  readonly failedOrders: FailedOrderRepository;
  readonly clock: Clock;
  readonly logger: Logger;
}

const DEFAULT_REASON = 'fulfillment did not succeed before the message reached order_dlq';

/**
 * order_dlq consumer. Marks the order FAILED, then writes its failed_orders row; both writes are
 * conditional, so a redelivery (or a crash between them) converges on one row. An order that a
 * duplicate message fulfilled in the meantime stays FULFILLED and gets no row.
 */
export function createDlqHandler({ orders, failedOrders, clock, logger }: DlqHandlerDeps) {
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
      return;
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
  }

  return (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> =>
    processSqsBatch(event, context, recordFailure);
}
