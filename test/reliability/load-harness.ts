import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { postOrder, sendLoad } from '../../cli/load-generator';
import type { FailedOrderRecord } from '../../lambdas/shared/order-repository';
import type { OrderRecord } from '../../lambdas/shared/order';
import { runtimeTables } from '../support/runtime-tables';

/** Sends `count` orders from `clients` concurrent clients; a client retries a 5xx or a dropped connection. */
export async function sendOrders(
  baseUrl: () => string,
  count: number,
  clients: number,
  options: { prefix: string; onProgress?: (sent: number) => void; retryDelayMs?: number },
): Promise<{ acknowledged: Set<string>; statuses: Record<string, number>; retries: number }> {
  const { acknowledged, statuses, retries } = await sendLoad({
    orders: count,
    clients,
    prefix: options.prefix,
    // The runtime's URL at each attempt: it changes when a suite restarts the runtime mid-load.
    post: async (order) => (await postOrder(baseUrl(), order)).answer,
    retry: { attempts: 50, delayMs: options.retryDelayMs ?? 200 },
    failOnRefusal: true,
    onAnswered: (_, index) => {
      if (index % 100 === 0) options.onProgress?.(index);
    },
  });
  return { acknowledged, statuses, retries };
}

export interface TableSnapshot {
  readonly orders: Map<string, OrderRecord>;
  readonly failedOrders: Map<string, FailedOrderRecord>;
}

/** Reads both tables through the runtime's DynamoDB endpoint. */
export async function snapshot(baseUrl: string): Promise<TableSnapshot> {
  const { db, ordersTable, failedOrdersTable } = await runtimeTables(baseUrl);
  const scan = async <T extends { order_id: string }>(table: string) => {
    const items = new Map<string, T>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
      for (const item of (page.Items ?? []) as T[]) items.set(item.order_id, item);
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };
  return { orders: await scan<OrderRecord>(ordersTable), failedOrders: await scan<FailedOrderRecord>(failedOrdersTable) };
}

/** Checks the invariants over acknowledged orders and returns the summary figures. */
export function reconcile(acknowledged: Set<string>, tables: TableSnapshot, fulfillmentEffects: Map<string, number>) {
  let fulfilled = 0;
  let failed = 0;
  const lost: string[] = [];
  const problems: string[] = [];
  for (const orderId of acknowledged) {
    const order = tables.orders.get(orderId);
    if (!order || order.status === 'PENDING') {
      lost.push(orderId);
      continue;
    }
    const row = tables.failedOrders.get(orderId);
    if (order.status === 'FULFILLED') {
      fulfilled += 1;
      if (row) problems.push(`${orderId} is FULFILLED but has a failed_orders row`);
    } else {
      failed += 1;
      if (!row) problems.push(`${orderId} is FAILED without a failed_orders row`);
    }
  }
  for (const orderId of tables.orders.keys()) if (!acknowledged.has(orderId)) problems.push(`${orderId} is stored but was never acknowledged`);
  const duplicated = [...fulfillmentEffects].filter(([, effects]) => effects > 1).map(([orderId]) => orderId);
  return { accepted: acknowledged.size, fulfilled, failed, lost, duplicated, problems };
}

/** Fulfillment effects per order: the log line fulfill_order writes after its conditional update succeeded. */
export function countFulfillmentEffects(logLines: Iterable<Record<string, unknown>>): Map<string, number> {
  const effects = new Map<string, number>();
  for (const line of logLines) {
    if (line.function === 'fulfill_order' && line.outcome === 'fulfilled') {
      const orderId = String(line.order_id);
      effects.set(orderId, (effects.get(orderId) ?? 0) + 1);
    }
  }
  return effects;
}
