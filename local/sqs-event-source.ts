import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { EventSourceDefinition } from '../topology/queues';
import type { LocalFunction } from './lambda-host';

export interface EventSourceOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly fn: Pick<LocalFunction, 'functionName' | 'invoke'>;
  readonly settings: EventSourceDefinition;
  /** Long-poll wait; short so that stop() returns quickly. */
  readonly waitTimeSeconds?: number;
  readonly onError?: (error: unknown) => void;
}

function toRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * The messages a partial batch response reports as failed, by Lambda's rules
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting):
 * no response, no list or an empty list is complete success; an itemIdentifier that is empty, null,
 * under another key or not a message of this batch, or a response of another shape, fails the whole
 * batch.
 */
export function reportedFailures(response: unknown, messages: readonly Message[]): Set<string> {
  const all = new Set(messages.map((message) => message.MessageId ?? ''));
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object' || Array.isArray(response)) return all;
  const list = (response as Partial<SQSBatchResponse>).batchItemFailures;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return all;
  const failed = new Set<string>();
  for (const failure of list as unknown[]) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}

/**
 * A Lambda event source mapping for SQS: long-polls the queue, invokes the function with a real
 * SQSEvent, deletes the records that succeeded and leaves the batchItemFailures (or the whole batch,
 * if the function threw) to reappear after the visibility timeout, until redrive moves them to the DLQ.
 */
export class SqsEventSource {
  private running = false;
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(private readonly options: EventSourceOptions) {}

  start(): void {
    this.running = true;
    const ready = this.readQueue();
    this.loops = Array.from({ length: this.options.settings.maximumConcurrency }, () => ready.then(() => this.poll()));
  }

  /**
   * What Lambda does when a mapping is enabled: reads the queue's attributes (VisibilityTimeout,
   * RedrivePolicy) with the function's role, which is why that role needs sqs:GetQueueAttributes
   * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-permissions).
   * A mapping whose role may not read the queue does not poll; it reports the error and tries again.
   */
  private async readQueue(): Promise<void> {
    const { sqs, queueUrl } = this.options;
    while (this.running) {
      try {
        await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'] }), { abortSignal: this.abort.signal });
        return;
      } catch (error) {
        if (!this.running) return;
        this.options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private async poll(): Promise<void> {
    const { sqs, queueUrl, settings } = this.options;
    while (this.running) {
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: settings.batchSize,
            WaitTimeSeconds: this.options.waitTimeSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: this.abort.signal },
        );
        if (Messages.length > 0) await this.deliver(Messages);
      } catch (error) {
        if (!this.running) return;
        this.options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private async deliver(messages: Message[]): Promise<void> {
    const { fn, queueArn, region, sqs, queueUrl } = this.options;
    const event: SQSEvent = { Records: messages.map((message) => toRecord(message, queueArn, region)) };
    let failed: Set<string>;
    try {
      failed = reportedFailures(await fn.invoke(event), messages);
    } catch {
      // An invocation error fails the whole batch, as on AWS.
      failed = new Set(messages.map((message) => message.MessageId ?? ''));
    }
    const succeeded = messages.filter((message) => !failed.has(message.MessageId ?? ''));
    if (succeeded.length === 0) return;
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: succeeded.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
  }
}
