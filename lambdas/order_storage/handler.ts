import type { Clock } from '../shared/clock';
import { OrderConflictError } from '../shared/errors';
import { injectLambdaContext, type Logger } from '../shared/logger';
import { parseOrder, samePayload, type OrderStatus } from '../shared/order';
import type { OrderRepository } from '../shared/order-repository';

export interface OrderStorageDeps {
  readonly orders: OrderRepository;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What the workflow does next: `enqueue` sends the order to order_queue. */
export interface StorageResult {
  order_id: string;
  status: OrderStatus;
  duplicate: boolean;
  enqueue: boolean;
}

/**
 * Step Functions task: stores the order as PENDING exactly once.
 * - new order_id: stored, enqueued.
 * - same order_id and payload: a duplicate; answered with the stored status. A PENDING duplicate is
 *   enqueued again, so a client retry recovers an order whose first enqueue never happened; the
 *   conditional PENDING -> FULFILLED update keeps that from fulfilling it twice.
 * - same order_id, different payload: OrderConflictError (the API answers 409).
 */
export function createOrderStorageHandler({ orders, clock, logger }: OrderStorageDeps) {
  return injectLambdaContext(logger, async (event: unknown): Promise<StorageResult> => {
    const order = parseOrder(event);
    const result = await orders.createPending(order, clock());
    if (result.created) {
      // DEBUG: every accepted order's api_handler line already says so (the API answers 202 only after
      // this state and the enqueue succeeded); at INFO it was a sixth of an order's log bytes (bench/cost.ts).
      logger.debug('order stored', { order_id: order.order_id, outcome: 'stored' });
      return { order_id: order.order_id, status: 'PENDING', duplicate: false, enqueue: true };
    }
    const { existing } = result;
    if (!samePayload(existing, order)) {
      logger.info('order conflicts with stored order', { order_id: order.order_id, outcome: 'conflict' });
      throw new OrderConflictError(order.order_id);
    }
    const enqueue = existing.status === 'PENDING';
    logger.info('duplicate order', { order_id: order.order_id, outcome: 'duplicate', status: existing.status, enqueue });
    return { order_id: order.order_id, status: existing.status, duplicate: true, enqueue };
  });
}
