import { describeProblems } from '../lambdas/shared/errors';
import type { OrderView } from '../lambdas/shared/order';
import { OperationFailedError } from './errors';
import type { ApiResponse, Target } from './target';

/** "Invalid order: quantity must be at least 1; item is required" from the API's error body. */
export function problemText(response: ApiResponse): string {
  const { error, details } = response.body as { error?: string; message?: string; details?: { field: string; message: string }[] };
  const text = error ?? (response.body as { message?: string }).message ?? `HTTP ${response.status}`;
  return details?.length ? `${text}: ${describeProblems(details)}` : text;
}

/** GET /orders/{id}: the order, or undefined when there is none. */
export async function fetchOrder(target: Target, orderId: string): Promise<OrderView | undefined> {
  const response = await target.request('GET', `/orders/${encodeURIComponent(orderId)}`);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new OperationFailedError(`Could not read order ${orderId}: ${problemText(response)}`);
  return response.body as unknown as OrderView;
}

export const isFinal = (order: OrderView | undefined) => order !== undefined && order.status !== 'PENDING';
