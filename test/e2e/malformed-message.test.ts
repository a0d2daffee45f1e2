import { createHash } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { waitFor } from '../../cli/poll';
import { queueBacklog, runtimeQueues, runtimeTables } from '../support/runtime-tables';
import { useRuntimeProcess } from '../support/runtime-process';

/**
 * A message on order_queue that is not an order (put there by something other than the workflow): it
 * takes the path any failure takes (three receives, then order_dlq, then dlq_handler), and every step
 * leaves a log line with what is wrong and the whole body, so an operator can find and replay it.
 */
describe('A malformed message on order_queue', () => {
  // A 1 s visibility timeout: the three receives take seconds, not minutes.
  const runtime = useRuntimeProcess({ DOFS_VISIBILITY_TIMEOUT: '1' });

  it('is received three times, then dropped by dlq_handler, each step logging the problem and all of it', async () => {
    const body = JSON.stringify({ order_id: 'malformed-1', item: 'z'.repeat(1_000), quantity: 2 });
    const { sqs, orderQueueUrl } = await runtimeQueues(runtime.url);
    let messageId: string | undefined;
    try {
      ({ MessageId: messageId } = await sqs.send(new SendMessageCommand({ QueueUrl: orderQueueUrl, MessageBody: body })));
    } finally {
      sqs.destroy();
    }
    const ofMessage = (fn: string) => runtime.logs().filter((line) => line.function === fn && line.message_id === messageId);

    const dropped = await waitFor('dlq_handler to drop it', async () => ofMessage('dlq_handler')[0], 30_000, 100);
    const trace = {
      message_id: messageId,
      problem: 'body is not an order: item must be at most 200 characters',
      body,
      body_bytes: Buffer.byteLength(body),
      body_sha256: createHash('sha256').update(body).digest('hex'),
    };
    expect(dropped).toMatchObject({ level: 'ERROR', outcome: 'dropped', ...trace });
    expect(ofMessage('fulfill_order').map((line) => [line.outcome, line.receive_count])).toEqual([['malformed', 1], ['malformed', 2], ['malformed', 3]]);
    for (const line of ofMessage('fulfill_order')) expect(line).toMatchObject({ level: 'ERROR', ...trace });

    // Nothing is left anywhere: no message, no order, no failed_orders row.
    await waitFor('both queues empty', async () => ((await queueBacklog(runtime.url, 'order_queue')) + (await queueBacklog(runtime.url, 'order_dlq')) === 0 ? true : undefined));
    const { db, ordersTable, failedOrdersTable } = await runtimeTables(runtime.url);
    for (const table of [ordersTable, failedOrdersTable]) expect((await db.send(new ScanCommand({ TableName: table }))).Items).toEqual([]);
  });
});
