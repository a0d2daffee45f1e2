import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../lambdas/shared/clients/dynamodb';

/** A document client on a running local runtime's DynamoDB, and its table names (from /_local/resources). */
export async function runtimeTables(baseUrl: string) {
  const response = await fetch(`${baseUrl}/_local/resources`, { signal: AbortSignal.timeout(10_000) });
  const { endpoints, resources } = (await response.json()) as {
    endpoints: { dynamodb: string };
    resources: { ordersTable: string; failedOrdersTable: string };
  };
  const db = createDocumentClient(
    new DynamoDBClient({ region: 'us-east-1', endpoint: endpoints.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  return { db, ordersTable: resources.ordersTable, failedOrdersTable: resources.failedOrdersTable };
}
