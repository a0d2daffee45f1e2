import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { localDocumentClient, localSqsClient } from '../../local/aws-clients';

interface RuntimeResources {
  endpoints: { dynamodb: string; sqs: string };
  resources: { ordersTable: string; failedOrdersTable: string; orderQueueUrl: string; orderDlqUrl: string };
}

async function resourcesOf(baseUrl: string): Promise<RuntimeResources> {
  const response = await fetch(`${baseUrl}/_local/resources`, { signal: AbortSignal.timeout(10_000) });
  return (await response.json()) as RuntimeResources;
}

/** A document client on a running local runtime's DynamoDB, and its table names (from /_local/resources). */
export async function runtimeTables(baseUrl: string) {
  const { endpoints, resources } = await resourcesOf(baseUrl);
  const db = localDocumentClient(endpoints.dynamodb);
  return { db, ordersTable: resources.ordersTable, failedOrdersTable: resources.failedOrdersTable };
}

/** An SQS client on a running local runtime's queues, and their URLs (the caller destroys the client). */
export async function runtimeQueues(baseUrl: string) {
  const { endpoints, resources } = await resourcesOf(baseUrl);
  const sqs = localSqsClient(endpoints.sqs);
  return { sqs, orderQueueUrl: resources.orderQueueUrl, orderDlqUrl: resources.orderDlqUrl };
}

/** Messages in one of a running local runtime's queues, waiting or in flight (received, not yet deleted). */
export async function queueBacklog(baseUrl: string, queue: 'order_queue' | 'order_dlq' = 'order_queue'): Promise<number> {
  const { sqs, orderQueueUrl, orderDlqUrl } = await runtimeQueues(baseUrl);
  try {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue === 'order_queue' ? orderQueueUrl : orderDlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  } finally {
    sqs.destroy();
  }
}
