import { FailedOrderRepository, OrderRepository } from '../lambdas/shared/order-repository';
import type { LocalClients } from './aws-clients';
import { buildSnapshot, type ConsoleSnapshot } from './console-feed';
import type { ExecutionHistory } from './executions';
import type { LocalResources } from './resources';

export interface SnapshotReaderOptions {
  /** The operator's clients: the console reads with no role's policy. */
  readonly clients: Pick<LocalClients, 'documents' | 'sqs'>;
  readonly resources: LocalResources;
  readonly executions: ExecutionHistory;
  readonly failureThreshold: () => number;
}

/** Reads what the console shows (GET /_local/snapshot and the live feed), through the handlers' own repositories. */
export function snapshotReader({ clients, resources, executions, failureThreshold }: SnapshotReaderOptions): () => Promise<ConsoleSnapshot> {
  const orders = new OrderRepository(clients.documents, resources.ordersTable);
  const failedOrders = new FailedOrderRepository(clients.documents, resources.failedOrdersTable);
  return () =>
    buildSnapshot({
      orders,
      failedOrders,
      sqs: clients.sqs,
      orderQueueUrl: resources.orderQueueUrl,
      orderDlqUrl: resources.orderDlqUrl,
      executions,
      failureThreshold,
    });
}
