import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { processSqsBatch } from '../shared/batch';
import type { Clock } from '../shared/clock';
import { MalformedMessageError, SimulatedFulfillmentError } from '../shared/errors';
import { injectLambdaContext, type Logger } from '../shared/logger';
import { count, logMetrics, recordCompletionTime, type Metrics } from '../shared/metrics';
import type { OrderMessage, OrderRecord } from '../shared/order';
import { malformedMessageTrace, parseOrderMessage } from '../shared/order-message';
import type { OrderRepository } from '../shared/order-repository';

export interface FulfillOrderDeps {
  readonly orders: Pick<OrderRepository, 'recordFailedAttempt' | 'fulfillPending'>;
  /** An attempt fails when random() >= failureThreshold: 0.0 always fails, 1.0 never does. */
  readonly failureThreshold: number;
  readonly random?: () => number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * order_queue consumer. A failed attempt throws, which reports the record as a batch item failure:
 * SQS makes it visible again after the visibility timeout, and after maxReceiveCount receives moves it
 * to order_dlq. Success is a conditional PENDING -> FULFILLED update, so a redelivered or duplicate
 * message can never fulfill an order twice, nor count it twice: an order already final moves no metric.
 * A fulfilled order moves OrdersFulfilled and TimeToFulfilled, printed with the batch's other metrics on
 * the invocation's one EMF line.
 */
export function createFulfillOrderHandler(deps: FulfillOrderDeps) {
  const { orders, failureThreshold, clock, logger, metrics } = deps;
  const random = deps.random ?? Math.random;

  /** One attempt at fulfilling a received order; throws when the attempt failed and SQS should deliver it again. */
  async function attempt(order: OrderMessage, receiveCount: number): Promise<void> {
    const log = { order_id: order.order_id, receive_count: receiveCount };

    if (random() >= failureThreshold) {
      const failure = new SimulatedFulfillmentError(order.order_id, failureThreshold);
      const stillPending = await orders.recordFailedAttempt(order.order_id, failure.message, clock());
      if (!stillPending) {
        logger.info('order already final, message dropped', { ...log, outcome: 'skipped' });
        return;
      }
      logger.warn('fulfillment attempt failed', { ...log, outcome: 'retry', reason: failure.message });
      throw failure;
    }

    const now = clock();
    let fulfilled: OrderRecord | undefined;
    try {
      fulfilled = await orders.fulfillPending(order.order_id, now);
    } catch (error) {
      // A dependency fault (throttling, AccessDenied): the record is retried like a failed attempt.
      logger.error('fulfillment attempt failed', { ...log, outcome: 'retry', error: (error as Error).name });
      throw error;
    }
    logger.info(fulfilled ? 'order fulfilled' : 'order already final, message dropped', {
      ...log,
      outcome: fulfilled ? 'fulfilled' : 'skipped',
    });
    if (fulfilled) {
      count(metrics, 'ordersFulfilled');
      recordCompletionTime(metrics, 'timeToFulfilled', fulfilled.created_at, now);
    }
  }

  async function fulfill(record: SQSRecord): Promise<void> {
    let order;
    try {
      order = parseOrderMessage(record);
    } catch (error) {
      // Retrying cannot fix it, but SQS's redrive is what sets it aside (on order_dlq, after the same
      // receives as any failure): fail it, and log all of it each time. Not an order: no order's metric.
      if (error instanceof MalformedMessageError) logger.error('malformed message on order_queue', { outcome: 'malformed', ...malformedMessageTrace(record, error) });
      throw error;
    }
    try {
      await attempt(order, Number(record.attributes.ApproximateReceiveCount));
    } catch (error) {
      // Whatever failed it (the simulated failure, or the table), SQS delivers the order again.
      count(metrics, 'fulfillmentAttemptsFailed');
      throw error;
    }
  }

  return injectLambdaContext(
    logger,
    logMetrics(metrics, (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => processSqsBatch(event, context, fulfill)),
  );
}
