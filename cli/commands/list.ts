import { ORDER_STATUSES, type OrderStatus } from '../../lambdas/shared/order';
import { cell, table, type Output } from '../output';
import type { Target } from '../target';

export interface ListOptions {
  status?: OrderStatus;
  limit: number;
}

/** The most recently changed orders, from the by_status index (newest first). */
export async function list(target: Target, options: ListOptions, out: Output): Promise<void> {
  const { orders } = await target.open();
  const statuses = options.status ? [options.status] : ORDER_STATUSES;
  const found = (await Promise.all(statuses.map((status) => orders.latestInStatus(status, options.limit))))
    .flat()
    .sort((a, b) => b.updated_at.localeCompare(a.updated_at))
    .slice(0, options.limit);
  out.result({ orders: found }, () =>
    found.length === 0
      ? [`No ${options.status ?? ''} orders.`.replace('  ', ' ')]
      : table(
          ['ORDER ID', 'STATUS', 'QTY', 'UPDATED', 'ITEM'],
          found.map((order) => [order.order_id, order.status, String(order.quantity), order.updated_at, cell(order.item, 40)]),
        ),
  );
}
