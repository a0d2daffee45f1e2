import { FUNCTIONS, type FunctionKey } from './functions';

/**
 * Queue attributes and the event source mappings that drain them. The serverless lens asks for a
 * visibility timeout of at least 6x the consumer's timeout, so a message is not redelivered while a
 * (retried) invocation may still be working on it.
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** Receives before SQS moves a message to the DLQ: the seed's "retry 3x". */
export const MAX_RECEIVE_COUNT = 3;

export const DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60;
export const ORDER_QUEUE_RETENTION_SECONDS = 4 * 24 * 60 * 60;

/**
 * The largest message either queue takes: 256 KiB, set explicitly (SQS allows up to 1 MiB since 2025).
 * An order message is under 1 KiB; anything near this is a bug, refused at the send, not carried.
 */
export const MAXIMUM_MESSAGE_SIZE_BYTES = 256 * 1024;

export interface QueueDefinition {
  readonly baseName: string;
  readonly visibilityTimeoutSeconds: number;
  readonly messageRetentionSeconds: number;
  readonly maximumMessageSizeBytes: number;
}

export const ORDER_QUEUE: QueueDefinition = {
  baseName: 'order_queue',
  visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_FACTOR * FUNCTIONS.fulfill_order.timeoutSeconds,
  messageRetentionSeconds: ORDER_QUEUE_RETENTION_SECONDS,
  maximumMessageSizeBytes: MAXIMUM_MESSAGE_SIZE_BYTES,
};

export const ORDER_DLQ: QueueDefinition = {
  baseName: 'order_dlq',
  visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_FACTOR * FUNCTIONS.dlq_handler.timeoutSeconds,
  messageRetentionSeconds: DLQ_RETENTION_SECONDS,
  maximumMessageSizeBytes: MAXIMUM_MESSAGE_SIZE_BYTES,
};

export function redrivePolicy(deadLetterTargetArn: string): string {
  return JSON.stringify({ deadLetterTargetArn, maxReceiveCount: MAX_RECEIVE_COUNT });
}

/** Event source mapping settings (order_queue -> fulfill_order, order_dlq -> dlq_handler). */
export interface EventSourceDefinition {
  readonly batchSize: number;
  readonly maximumConcurrency: number;
  readonly maximumBatchingWindowSeconds: number;
}

export const ORDER_QUEUE_EVENT_SOURCE: EventSourceDefinition = {
  batchSize: 10,
  maximumConcurrency: 10,
  maximumBatchingWindowSeconds: 0,
};

export const ORDER_DLQ_EVENT_SOURCE: EventSourceDefinition = {
  batchSize: 10,
  maximumConcurrency: 2,
  maximumBatchingWindowSeconds: 0,
};

/** Which function drains which queue, with what settings: the one list the stack and its checks read. */
export interface QueueConsumer {
  readonly queue: QueueDefinition;
  readonly consumer: FunctionKey;
  readonly eventSource: EventSourceDefinition;
}

export const QUEUE_CONSUMERS: readonly QueueConsumer[] = [
  { queue: ORDER_QUEUE, consumer: 'fulfill_order', eventSource: ORDER_QUEUE_EVENT_SOURCE },
  { queue: ORDER_DLQ, consumer: 'dlq_handler', eventSource: ORDER_DLQ_EVENT_SOURCE },
];
