import {
  CreateTableCommand,
  type CreateTableCommandInput,
  ResourceInUseException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { resourceName } from '../topology/names';
import { ORDER_DLQ, ORDER_QUEUE, redrivePolicy, type QueueDefinition } from '../topology/queues';
import { FAILED_ORDERS_TABLE, keyAttributes, ORDERS_TABLE, type TableDefinition } from '../topology/tables';

export interface LocalResources {
  readonly ordersTable: string;
  readonly failedOrdersTable: string;
  readonly orderQueueUrl: string;
  readonly orderQueueArn: string;
  readonly orderDlqUrl: string;
  readonly orderDlqArn: string;
}

export interface ResourceOptions {
  readonly environment: string;
  /** Local time scaling: replaces both queues' visibility timeouts (the deployed ones stay 6x). */
  readonly visibilityTimeoutSeconds?: number;
}

/** The CreateTable request for a table as topology/tables.ts declares it (what the stack creates). */
export function createTableInput(name: string, table: TableDefinition): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: keyAttributes(table).map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: [{ AttributeName: table.partitionKey.name, KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...(table.indexes
      ? {
          GlobalSecondaryIndexes: table.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
              { AttributeName: index.sortKey.name, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.projected] },
          })),
        }
      : {}),
  };
}

async function ensureTable(dynamodb: DynamoDBClient, name: string, table: TableDefinition): Promise<void> {
  try {
    await dynamodb.send(new CreateTableCommand(createTableInput(name, table)));
  } catch (error) {
    // Already there from an earlier run on the same data directory.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

async function ensureQueue(sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<{ url: string; arn: string }> {
  let url: string;
  try {
    ({ QueueUrl: url = '' } = await sqs.send(new GetQueueUrlCommand({ QueueName: name })));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  } catch (error) {
    if ((error as Error).name !== 'QueueDoesNotExist' && (error as Error).name !== 'AWS.SimpleQueueService.NonExistentQueue') throw error;
    ({ QueueUrl: url = '' } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })));
  }
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: Attributes?.QueueArn ?? '' };
}

function queueAttributes(queue: QueueDefinition, options: ResourceOptions): Record<string, string> {
  return {
    VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? queue.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(queue.messageRetentionSeconds),
    MaximumMessageSize: String(queue.maximumMessageSizeBytes),
  };
}

/** Creates (or reuses) the tables and queues with the attributes and redrive policy the stack uses. */
export async function ensureResources(dynamodb: DynamoDBClient, sqs: SQSClient, options: ResourceOptions): Promise<LocalResources> {
  const name = (base: string) => resourceName(options.environment, base);
  await Promise.all([
    ensureTable(dynamodb, name(ORDERS_TABLE.baseName), ORDERS_TABLE),
    ensureTable(dynamodb, name(FAILED_ORDERS_TABLE.baseName), FAILED_ORDERS_TABLE),
  ]);
  const dlq = await ensureQueue(sqs, name(ORDER_DLQ.baseName), queueAttributes(ORDER_DLQ, options));
  const queue = await ensureQueue(sqs, name(ORDER_QUEUE.baseName), {
    ...queueAttributes(ORDER_QUEUE, options),
    RedrivePolicy: redrivePolicy(dlq.arn),
  });
  return {
    ordersTable: name(ORDERS_TABLE.baseName),
    failedOrdersTable: name(FAILED_ORDERS_TABLE.baseName),
    orderQueueUrl: queue.url,
    orderQueueArn: queue.arn,
    orderDlqUrl: dlq.url,
    orderDlqArn: dlq.arn,
  };
}
