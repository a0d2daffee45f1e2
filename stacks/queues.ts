import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueueRedriveAllowPolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy';
import { Construct } from 'constructs';
import { resourceName } from '../topology/names';
import { ORDER_DLQ, ORDER_QUEUE, redrivePolicy, type QueueDefinition } from '../topology/queues';

export interface QueuesOptions {
  readonly environment: string;
}

/**
 * order_queue and its dead-letter queue, with the attributes from topology/queues.ts: SSE-SQS
 * encryption, redrive after 3 receives, 14-day DLQ retention, and a DLQ that accepts only order_queue.
 */
export class OrderQueues extends Construct {
  readonly orderQueue: SqsQueue;
  readonly orderDlq: SqsQueue;
  /** Each queue by its topology definition's base name (what QUEUE_CONSUMERS names). */
  readonly byBaseName: Readonly<Record<string, SqsQueue>>;

  constructor(scope: Construct, id: string, options: QueuesOptions) {
    super(scope, id);
    const queue = (definition: QueueDefinition, extra: { redrivePolicy?: string } = {}) =>
      new SqsQueue(this, definition.baseName, {
        name: resourceName(options.environment, definition.baseName),
        visibilityTimeoutSeconds: definition.visibilityTimeoutSeconds,
        messageRetentionSeconds: definition.messageRetentionSeconds,
        maxMessageSize: definition.maximumMessageSizeBytes,
        sqsManagedSseEnabled: true,
        ...extra,
      });
    this.orderDlq = queue(ORDER_DLQ);
    this.orderQueue = queue(ORDER_QUEUE, { redrivePolicy: redrivePolicy(this.orderDlq.arn) });
    this.byBaseName = { [ORDER_QUEUE.baseName]: this.orderQueue, [ORDER_DLQ.baseName]: this.orderDlq };
    // A separate resource: set on the DLQ itself it would form a cycle with order_queue's redrive policy.
    new SqsQueueRedriveAllowPolicy(this, 'order_dlq_redrive_allow', {
      queueUrl: this.orderDlq.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [this.orderQueue.arn] }),
    });
  }
}
