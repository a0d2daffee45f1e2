import { FailedOrderRepository, OrderRepository } from '../lambdas/shared/order-repository';
import type { LocalClients } from './aws-clients';
import type { ExecutionHistory } from './executions';
import { assembleJourney, type Journey } from './journey';
import type { OrderLogIndex } from './order-log-index';
import type { LocalResources } from './resources';

export interface JourneyReaderOptions {
  /** The operator's clients: the runtime reads its tables with no role's policy, as the console does. */
  readonly clients: Pick<LocalClients, 'documents'>;
  readonly resources: LocalResources;
  readonly executions: ExecutionHistory;
  readonly logs: OrderLogIndex;
}

/** Every execution the history still holds for one order (it keeps 1000 in all). */
const ALL_EXECUTIONS = Number.MAX_SAFE_INTEGER;

/** Reads an order's journey: two table reads, the rest from memory. Undefined for an order nothing knows. */
export function journeyReader({ clients, resources, executions, logs }: JourneyReaderOptions): (orderId: string) => Promise<Journey | undefined> {
  const orders = new OrderRepository(clients.documents, resources.ordersTable);
  const failedOrders = new FailedOrderRepository(clients.documents, resources.failedOrdersTable);
  return async (orderId) => {
    const [order, failedRow] = await Promise.all([orders.get(orderId), failedOrders.get(orderId)]);
    return assembleJourney({ orderId, order, failedRow, executions: executions.list(orderId, ALL_EXECUTIONS), log: logs.get(orderId) });
  };
}
