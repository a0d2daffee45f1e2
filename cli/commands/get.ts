import { fetchOrder } from '../api';
import { OperationFailedError } from '../errors';
import { fetchJourney, journeyLines } from '../order-journey';
import type { Output } from '../output';
import type { Target } from '../target';

export interface GetOptions {
  /** Every step the order took, on one timeline, instead of its current state. */
  journey?: boolean;
}

export async function get(target: Target, orderId: string, out: Output, options: GetOptions = {}): Promise<void> {
  if (options.journey) {
    const journey = await fetchJourney(target, orderId);
    out.result(journey, () => journeyLines(journey));
    return;
  }
  const order = await fetchOrder(target, orderId);
  if (!order) throw new OperationFailedError(`No order ${orderId}.`, 'List recent ones with `npx dofs list`.');
  out.result(order, () => [
    `${order.order_id}  ${order.status}`,
    `  item       ${order.item}`,
    `  quantity   ${order.quantity}`,
    `  created    ${order.created_at}`,
    `  updated    ${order.updated_at}`,
    ...(order.failure_reason ? [`  reason     ${order.failure_reason}`, `  attempts   ${order.attempts ?? 0}`] : []),
    ...(order.redrives ? [`  redriven   ${order.redrives}x, after: ${order.last_failure ?? 'unknown'}`] : []),
  ]);
}
