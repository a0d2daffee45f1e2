import { cell, table, type Output } from '../output';
import type { Target } from '../target';

export interface FailedOptions {
  limit: number;
}

/** Rows of failed_orders, newest first, with the reason each order failed. */
export async function failed(target: Target, options: FailedOptions, out: Output): Promise<void> {
  const { failedOrders } = await target.open();
  const rows = await failedOrders.listNewestFirst(options.limit);
  out.result({ failed_orders: rows }, () =>
    rows.length === 0
      ? ['No failed orders.']
      : table(
          ['ORDER ID', 'FAILED AT', 'ATTEMPTS', 'RECEIVES', 'REASON'],
          rows.map((row) => [row.order_id, row.failed_at, String(row.attempts), String(row.receive_count), cell(row.reason, 80)]),
        ),
  );
}
