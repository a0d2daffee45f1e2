import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { waitFor } from '../../cli/poll';
import type { LocalFunction } from '../../local/lambda-host';
import { SqsEventSource } from '../../local/sqs-event-source';
import { createTestAws, type TestAws } from '../support/aws';

/** A stand-in function that records what it was given and fails the bodies it is told to. */
function recordingFunction(fails: (body: string) => boolean | 'throw') {
  const received: { body: string; receiveCount: number }[] = [];
  const fn: Pick<LocalFunction, 'key' | 'functionName' | 'invoke'> = {
    key: 'fulfill_order',
    functionName: 'test',
    async invoke(event) {
      const { Records } = event as SQSEvent;
      const failures: SQSBatchResponse['batchItemFailures'] = [];
      for (const record of Records) {
        received.push({ body: record.body, receiveCount: Number(record.attributes.ApproximateReceiveCount) });
        const verdict = fails(record.body);
        if (verdict === 'throw') throw new Error('invocation failed');
        if (verdict) failures.push({ itemIdentifier: record.messageId });
      }
      return { batchItemFailures: failures };
    },
  };
  return { fn, received };
}

async function depth(aws: TestAws, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await aws.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}

describe('SqsEventSource (fauxqs)', () => {
  let aws: TestAws;
  let source: SqsEventSource | undefined;

  beforeEach(async () => {
    aws = await createTestAws(1);
  });
  afterEach(async () => {
    await source?.stop();
  });

  const start = (fn: Pick<LocalFunction, 'functionName' | 'invoke'>) => {
    source = new SqsEventSource({
      sqs: aws.sqs,
      queueUrl: aws.resources.orderQueueUrl,
      queueArn: aws.resources.orderQueueArn,
      region: 'us-east-1',
      fn,
      settings: { batchSize: 10, maximumConcurrency: 1, maximumBatchingWindowSeconds: 0 },
    });
    source.start();
  };

  it('deletes the records that succeeded and redelivers only the failed one until redrive moves it to the DLQ', async () => {
    const { fn, received } = recordingFunction((body) => body === 'bad');
    for (const body of ['good-1', 'bad', 'good-2']) {
      await aws.sqs.send(new SendMessageCommand({ QueueUrl: aws.resources.orderQueueUrl, MessageBody: body }));
    }
    start(fn);
    await waitFor('the failed message on the DLQ', async () => ((await depth(aws, aws.resources.orderDlqUrl)) === 1 ? true : undefined), 15_000, 100);
    // The seed's three receives: the queue's redrive policy (maxReceiveCount 3) moves it on the fourth.
    expect(received.filter((r) => r.body === 'bad').map((r) => r.receiveCount)).toEqual([1, 2, 3]);
    expect(received.filter((r) => r.body !== 'bad').map((r) => r.body).sort()).toEqual(['good-1', 'good-2']);
    expect(await depth(aws, aws.resources.orderQueueUrl)).toBe(0);
  });

  it('redelivers the whole batch when the invocation itself fails', async () => {
    let calls = 0;
    const { fn, received } = recordingFunction(() => {
      calls += 1;
      return calls === 1 ? 'throw' : false;
    });
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: aws.resources.orderQueueUrl, MessageBody: 'only' }));
    start(fn);
    await waitFor('a second delivery', async () => (received.length >= 2 ? true : undefined), 10_000, 100);
    expect(received.map((r) => r.receiveCount)).toEqual([1, 2]);
    await waitFor('the queue to drain', async () => ((await depth(aws, aws.resources.orderQueueUrl)) === 0 ? true : undefined), 5_000, 100);
  });
});
