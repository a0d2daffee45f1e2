import { waitFor } from '../../cli/poll';
import { pendingSweepTiming } from '../../topology/recovery';
import { WORKFLOW_STATES } from '../../topology/workflow';
import { request } from '../support/http';
import { queueBacklog } from '../support/runtime-tables';
import { useRuntimeProcess } from '../support/runtime-process';

/**
 * An order stored while order_queue refuses messages: the workflow fails after StoreOrder, yet the
 * client is told the truth (202, the order is stored) and the running runtime enqueues it once the queue
 * takes messages again, with no restart and no client retry. SQS's outage is the emulator answering
 * 503 ServiceUnavailable (POST /_local/faults), the error AWS documents for a temporary failure:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html
 */
const VISIBILITY_TIMEOUT_SECONDS = 1;
const { redriveAfterSeconds, everySeconds } = pendingSweepTiming(VISIBILITY_TIMEOUT_SECONDS);

describe('An order stored while order_queue refuses messages', () => {
  const runtime = useRuntimeProcess({ DOFS_VISIBILITY_TIMEOUT: String(VISIBILITY_TIMEOUT_SECONDS), FAILURE_THRESHOLD: '1.0' });

  it('is acknowledged, and fulfilled once the queue recovers, without a restart or a client retry', async () => {
    for (const operation of ['SendMessage', 'SendMessageBatch']) {
      expect((await request(`${runtime.url}/_local/faults`, { method: 'POST', json: { service: 'sqs', operation } })).status).toBe(201);
    }

    const answer = await request(`${runtime.url}/orders`, { method: 'POST', json: { order_id: 'outage-1', item: 'umbrella', quantity: 2 } });
    expect(answer).toMatchObject({ status: 202, body: { order_id: 'outage-1', status: 'PENDING' } });
    expect((await request(`${runtime.url}/orders/outage-1`)).body).toMatchObject({ status: 'PENDING' });
    // The workflow did fail, at the enqueue, after its retries.
    const { body: runs } = await request(`${runtime.url}/_local/executions?order_id=outage-1`);
    const [execution] = runs.executions as { status: string; states: { name: string; event: string }[] }[];
    expect(execution).toMatchObject({ status: 'FAILED' });
    expect(execution!.states.at(-1)).toMatchObject({ name: WORKFLOW_STATES.enqueue, event: 'failed' });
    expect(execution!.states.filter((visit) => visit.name === WORKFLOW_STATES.enqueue && visit.event === 'retried')).toHaveLength(3);

    // The sweeper finds the order once it is older than the redrive age, and is refused too while the
    // outage lasts: a failed sweep is retried by the next one.
    await waitFor('a sweep refused by order_queue', async () => (runtime.logs().some((line) => line.message === 'pending sweep failed') ? true : undefined), (redriveAfterSeconds + 3 * everySeconds) * 1000, 100);
    const { body: active } = await request(`${runtime.url}/_local/faults`, { method: 'DELETE' });
    expect(active).toEqual({ faults: [] });

    const order = await waitFor(
      'outage-1 fulfilled after the outage',
      async () => {
        const { body } = await request(`${runtime.url}/orders/outage-1`);
        return body.status === 'FULFILLED' ? body : undefined;
      },
      (2 * everySeconds + 5) * 1000,
      100,
    );
    expect(order).toMatchObject({ order_id: 'outage-1', item: 'umbrella', quantity: 2 });
    // fulfill_order's log line comes through its thread's stdout, a moment after the row changed; once
    // it is there and nothing waits on order_queue, no second fulfillment can follow.
    const fulfilledLines = () => runtime.logs().filter((line) => line.order_id === 'outage-1' && line.outcome === 'fulfilled');
    await waitFor("fulfill_order's log line", async () => (fulfilledLines().length > 0 ? true : undefined));
    await waitFor('order_queue drained', async () => ((await queueBacklog(runtime.url)) === 0 ? true : undefined));
    expect(fulfilledLines()).toHaveLength(1);
    expect(runtime.logs().filter((line) => line.message === 'pending orders swept' && Number(line.redriven) > 0)).not.toHaveLength(0);
  }, 90_000);
});
