import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { OrderMessage } from '../shared/order';
import type { OrderRepository } from '../shared/order-repository';

export interface PendingSweeperDeps {
  readonly orders: Pick<OrderRepository, 'pendingSince'>;
  readonly sqs: Pick<SQSClient, 'send'>;
  readonly orderQueueUrl: string;
  /** PENDING orders untouched for longer than this are re-sent. */
  readonly redriveAfterSeconds: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** A scheduled event, or a manual run: `{"olderThanSeconds": 0}` re-sends every PENDING order. */
export interface SweepRequest {
  readonly olderThanSeconds?: number;
}

export interface SweepResult {
  readonly redriven: number;
}

const BATCH = 10;

/**
 * Finds orders stuck in PENDING (stored, but their message never reached order_queue) and sends them
 * again. Safe to repeat: fulfillment is a conditional PENDING -> FULFILLED update, so an order whose
 * message did exist is still fulfilled once.
 */
export function createPendingSweeperHandler(deps: PendingSweeperDeps) {
  const { orders, sqs, orderQueueUrl, clock, logger } = deps;
  return async (event: SweepRequest | undefined): Promise<SweepResult> => {
    const olderThan = typeof event?.olderThanSeconds === 'number' && event.olderThanSeconds >= 0 ? event.olderThanSeconds : deps.redriveAfterSeconds;
    const before = new Date(Date.parse(clock()) - olderThan * 1000).toISOString();
    let batch: OrderMessage[] = [];
    let redriven = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const { Failed = [] } = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: orderQueueUrl,
          Entries: batch.map((order, index) => ({ Id: String(index), MessageBody: JSON.stringify(order) })),
        }),
      );
      // Throwing fails the invocation; the next scheduled run finds the same orders again.
      if (Failed.length > 0) throw new Error(`${Failed.length} of ${batch.length} re-sent orders were refused by order_queue`);
      redriven += batch.length;
      batch = [];
    };
    for await (const order of orders.pendingSince(before)) {
      batch.push({ order_id: order.order_id, item: order.item, quantity: order.quantity });
      if (batch.length === BATCH) await flush();
    }
    await flush();
    logger.info('pending orders swept', { outcome: redriven > 0 ? 'redriven' : 'none', redriven, older_than_seconds: olderThan });
    return { redriven };
  };
}
