import { SendMessageBatchCommand, type SendMessageBatchCommandOutput, type SQSClient } from '@aws-sdk/client-sqs';
import { createPendingSweeperHandler, SweepIncompleteError } from '../../lambdas/pending_sweeper/handler';
import { FailedOrderRepository, OrderRepository } from '../../lambdas/shared/order-repository';
import { useInProcessDynamoDb } from '../support/in-process-dynamodb';
import { lambdaContext } from '../support/lambda-context';
import { captureLogger } from '../support/logger';
import { businessMetric, testMetrics, undeclaredFor, useEmfCapture } from '../support/metrics';

const NOW = '2026-01-01T01:00:00.000Z';
/** An hour before NOW: old enough to re-send, and a TimeToFailed of 3 600 000 ms if it fails now. */
const OLD = '2026-01-01T00:00:00.000Z';
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/dofs-dev-order_queue';

type Answer = 'sent' | 'refused' | 'throttled';

/** order_queue answering each entry as `answer` says (by order_id); `during` runs while the batch is in flight. */
function queue(answer: (orderId: string) => Answer = () => 'sent', during?: () => Promise<void>): Pick<SQSClient, 'send'> {
  const send = async (command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> => {
    await during?.();
    const entries = (command.input.Entries ?? []).map((entry) => ({ entry, answer: answer((JSON.parse(entry.MessageBody ?? '{}') as { order_id: string }).order_id) }));
    return {
      $metadata: {},
      Successful: entries.filter(({ answer }) => answer === 'sent').map(({ entry }) => ({ Id: entry.Id, MessageId: `m-${entry.Id}`, MD5OfMessageBody: '' })),
      Failed: entries
        .filter(({ answer }) => answer !== 'sent')
        .map(({ entry, answer }) => (answer === 'refused' ? { Id: entry.Id, SenderFault: true, Code: 'InvalidMessageContents' } : { Id: entry.Id, SenderFault: false, Code: 'RequestThrottled' })),
    };
  };
  return { send };
}

const redriven = (count: number) => businessMetric('OrdersRedriven', 'Count', Array<number>(count).fill(1));
const failed = businessMetric('OrdersFailed', 'Count', [1]);
const failedAfterAnHour = businessMetric('TimeToFailed', 'Milliseconds', [3_600_000]);

describe('pending_sweeper: business metrics and log lines (in-process dynalite)', () => {
  const dynamo = useInProcessDynamoDb();
  const emf = useEmfCapture();
  let orders: OrderRepository;
  let failedOrders: FailedOrderRepository;
  beforeEach(async () => {
    ({ orders, failedOrders } = await dynamo.newRepositories());
  });

  const sweeper = (sqs: Pick<SQSClient, 'send'>) => {
    const { logger, lines } = captureLogger();
    const handler = createPendingSweeperHandler({ orders, failedOrders, sqs, orderQueueUrl: QUEUE_URL, redriveAfterSeconds: 900, clock: () => NOW, logger, metrics: testMetrics() });
    return { handler, lines };
  };
  const pending = (...ids: string[]) => Promise.all(ids.map((id) => orders.createPending({ order_id: id, item: 'vase', quantity: 1 }, OLD)));

  it('counts each order it re-sends, on one line at the end of the sweep, and nothing else', async () => {
    await pending('a', 'b');
    await sweeper(queue()).handler({}, lambdaContext('dofs-dev-pending_sweeper'));
    expect(emf.emitted()).toEqual([redriven(2)]);
    expect(emf.lines()).toHaveLength(1);
    expect(undeclaredFor('pending_sweeper', emf.emitted())).toEqual([]);
  });

  it('counts nothing when nothing is stuck, and prints nothing (no "no metrics" warning either)', async () => {
    const { handler, lines } = sweeper(queue());
    await handler({});
    expect(emf.lines()).toEqual([]);
    expect(lines.filter((line) => line.level !== 'INFO')).toEqual([]);
  });

  it('counts an order it marks FAILED (order_queue refuses it for good), with the time from its acceptance, on one EMF line', async () => {
    await pending('bad');
    await sweeper(queue(() => 'refused')).handler({});
    // One line, both metrics on it with the dimensions service and environment only (businessMetric's).
    expect(emf.lines()).toHaveLength(1);
    expect(emf.emitted()).toHaveLength(2);
    expect(emf.emitted()).toEqual(expect.arrayContaining([failed, failedAfterAnHour]));
  });

  it('counts nothing for an order fulfilled while its re-send was in flight: neither re-sent as stuck nor failed', async () => {
    await pending('raced-sent', 'raced-refused');
    const fulfilledMeanwhile = async () => {
      await orders.markFulfilled('raced-sent', NOW);
      await orders.markFulfilled('raced-refused', NOW);
    };
    await sweeper(queue((id) => (id === 'raced-refused' ? 'refused' : 'sent'), fulfilledMeanwhile)).handler({});
    expect(emf.lines()).toEqual([]);
  });

  it('counts what it re-sent even when the sweep then fails for the entries order_queue throttled', async () => {
    await pending('ok-1', 'ok-2', 'later');
    await expect(sweeper(queue((id) => (id === 'later' ? 'throttled' : 'sent'))).handler({})).rejects.toThrow(SweepIncompleteError);
    expect(emf.emitted()).toEqual([redriven(2)]);
  });

  it('counts an order once over two sweeps: the second finds it re-sent and leaves it alone', async () => {
    await pending('stuck');
    const { handler } = sweeper(queue());
    await handler({});
    await handler({});
    expect(emf.emitted()).toEqual([redriven(1)]);
  });

  it('writes every line with the request id and cold-start flag, and the line about a failed order with its order_id', async () => {
    await pending('bad');
    const { handler, lines } = sweeper(queue(() => 'refused'));
    await handler({}, lambdaContext('dofs-dev-pending_sweeper', 'request-1'));
    await handler({}, lambdaContext('dofs-dev-pending_sweeper', 'request-2'));
    expect(lines.map((line) => [line.function_request_id, line.cold_start, line.order_id])).toEqual([
      ['request-1', true, 'bad'],
      ['request-1', true, undefined],
      ['request-2', false, undefined],
    ]);
  });
});
