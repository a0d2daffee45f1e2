import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { OrderView } from '../../lambdas/shared/order';
import { fetchOrder, isFinal, problemText } from '../api';
import { OperationFailedError, UsageError } from '../errors';
import type { Output } from '../output';
import { waitFor, WaitTimeoutError } from '../poll';
import type { Target } from '../target';

export interface SubmitOptions {
  orderId?: string;
  item?: string;
  quantity?: number;
  file?: string;
  wait?: boolean;
  timeout: number;
}

interface Submission {
  order_id: unknown;
  status: number;
  outcome: 'accepted' | 'duplicate' | 'refused';
  response: Record<string, unknown>;
  final?: OrderView | undefined;
}

function readOrders(file: string): Record<string, unknown>[] {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not JSON.`, 'Give one order as a JSON object, or several as an array of objects.');
  }
  const orders = Array.isArray(parsed) ? parsed : [parsed];
  if (orders.length === 0) throw new UsageError(`${file} holds an empty array: nothing to submit.`);
  // Each order goes to the API as it is: the API is what decides whether it is valid.
  return orders as Record<string, unknown>[];
}

function ordersFromFlags(options: SubmitOptions): Record<string, unknown>[] {
  if (options.item === undefined || options.quantity === undefined) {
    throw new UsageError('An order needs --item and --quantity (or --file).', 'Example: npx dofs submit --item widget --quantity 2');
  }
  return [{ order_id: options.orderId ?? `cli-${randomUUID().slice(0, 8)}`, item: options.item, quantity: options.quantity }];
}

/** The order once FULFILLED or FAILED, or as it last was when `timeoutSeconds` passed (the caller reports it). */
async function waitForFinal(target: Target, orderId: string, timeoutSeconds: number): Promise<OrderView | undefined> {
  let order: OrderView | undefined;
  try {
    return await waitFor(
      `order ${orderId} to reach FULFILLED or FAILED`,
      async () => {
        order = await fetchOrder(target, orderId);
        return isFinal(order) ? order : undefined;
      },
      timeoutSeconds * 1000,
      200,
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    return order;
  }
}

export async function submit(target: Target, options: SubmitOptions, out: Output): Promise<void> {
  if (options.file && (options.item !== undefined || options.quantity !== undefined || options.orderId !== undefined)) {
    throw new UsageError('Give the order either with --file or with --order-id/--item/--quantity, not both.');
  }
  const orders = options.file ? readOrders(options.file) : ordersFromFlags(options);
  const results: Submission[] = [];
  for (const order of orders) {
    const response = await target.request('POST', '/orders', order);
    const outcome = response.status === 202 ? 'accepted' : response.status === 200 ? 'duplicate' : 'refused';
    const result: Submission = { order_id: order.order_id, status: response.status, outcome, response: response.body };
    results.push(result);
    if (outcome === 'refused') {
      out.line(`✗ ${String(order.order_id ?? '(no order_id)')}: HTTP ${response.status} ${problemText(response)}`);
      continue;
    }
    out.line(`✓ ${String(response.body.order_id)}: ${outcome === 'accepted' ? 'accepted' : 'already submitted'} (HTTP ${response.status}), status ${String(response.body.status)}`);
    if (options.wait) {
      result.final = await waitForFinal(target, String(response.body.order_id), options.timeout);
      out.line(`  → ${result.final?.status ?? 'unknown'}${result.final?.failure_reason ? `: ${result.final.failure_reason}` : ''}`);
    }
  }
  out.result({ target: target.apiUrl, orders: results }, () => []);
  const refused = results.filter((result) => result.outcome === 'refused').length;
  if (refused > 0) throw new OperationFailedError(`${refused} of ${results.length} orders were refused.`);
  if (options.wait) {
    const unfinished = results.filter((result) => result.final?.status !== 'FULFILLED');
    if (unfinished.length > 0) {
      throw new OperationFailedError(
        `${unfinished.length} of ${results.length} orders did not reach FULFILLED (${unfinished.map((result) => `${String(result.order_id)}: ${result.final?.status ?? 'unknown'}`).join(', ')}).`,
        'See why with `npx dofs get <order_id>` or `npx dofs failed`.',
      );
    }
  }
}
