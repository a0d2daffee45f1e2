import { waitFor } from '../../cli/poll';
import { useRuntimeProcess } from '../support/runtime-process';
import { countFulfillmentEffects, reconcile, sendOrders, snapshot } from './load-harness';
import { pick } from './profile';

/**
 * N orders from 32 concurrent clients with FAILURE_THRESHOLD=0.5: every acknowledged order ends in
 * exactly one terminal state, failed_orders matches the FAILED orders, nothing is fulfilled twice.
 */
const ORDERS = pick(1_000, 20_000);
const CLIENTS = 32;
const DEADLINE_MS = pick(120_000, 900_000);

describe(`Load with faults: ${ORDERS} orders, ${CLIENTS} clients, FAILURE_THRESHOLD=0.5`, () => {
  const runtime = useRuntimeProcess({ FAILURE_THRESHOLD: '0.5', DOFS_VISIBILITY_TIMEOUT: '1', POWERTOOLS_LOG_LEVEL: 'INFO' });

  it('loses nothing, duplicates nothing, and reconciles with what the clients saw', async () => {
    const started = Date.now();
    const { acknowledged, statuses, retries } = await sendOrders(() => runtime.url, ORDERS, CLIENTS, {
      prefix: 'load',
      onProgress: (sent) => sent % 5_000 === 0 && sent > 0 && process.stdout.write(`load: ${sent}/${ORDERS} sent\n`),
    });
    const acceptedMs = Date.now() - started;
    const tables = await waitFor(
      'every acknowledged order to reach a terminal state',
      async () => {
        const current = await snapshot(runtime.url);
        const pending = [...acknowledged].filter((id) => current.orders.get(id)?.status !== 'FULFILLED' && current.orders.get(id)?.status !== 'FAILED');
        // FAILED orders also need their failed_orders row before the run is over.
        const rowsMissing = [...current.orders.values()].filter((o) => o.status === 'FAILED' && !current.failedOrders.has(o.order_id));
        return pending.length === 0 && rowsMissing.length === 0 ? current : undefined;
      },
      DEADLINE_MS - (Date.now() - started),
      500,
    );
    const totalMs = Date.now() - started;
    const result = reconcile(acknowledged, tables, countFulfillmentEffects(runtime.logs()));
    process.stdout.write(
      `reliability: load accepted=${result.accepted} fulfilled=${result.fulfilled} failed=${result.failed} lost=${result.lost.length} duplicated=${result.duplicated.length} ` +
        `client_retries=${retries} statuses=${JSON.stringify(statuses)} accepted_in=${acceptedMs}ms all_terminal_in=${totalMs}ms\n`,
    );
    expect(result.accepted).toBe(ORDERS);
    expect(result.lost).toEqual([]);
    expect(result.duplicated).toEqual([]);
    expect(result.problems).toEqual([]);
    expect(result.fulfilled + result.failed).toBe(ORDERS);
    // With a 0.5 threshold about 1 in 8 orders fails all 3 attempts; anything far off means the threshold is ignored.
    expect(result.failed).toBeGreaterThan(ORDERS * 0.05);
    expect(result.failed).toBeLessThan(ORDERS * 0.25);
    expect(countFulfillmentEffects(runtime.logs()).size).toBe(result.fulfilled);
  }, DEADLINE_MS + 30_000);
});
