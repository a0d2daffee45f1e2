import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../cli/poll';
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';
import { countFulfillmentEffects, reconcile, sendOrders, snapshot } from './load-harness';
import { pick } from './profile';

/**
 * The local runtime's process group killed with SIGKILL three times during a load and restarted on the
 * same data directory at once each time: every order acknowledged with a 2xx still reaches a terminal
 * state.
 */
const ORDERS = pick(600, 6_000);
const CLIENTS = 32;
const KILLS = 3;

describe(`Crash and restart: ${KILLS} SIGKILLs during ${ORDERS} orders`, () => {
  let dataDir: string;
  const runtimes: RuntimeProcess[] = [];
  const start = async () => {
    const runtime = await startRuntimeProcess({ DOFS_DATA_DIR: dataDir, FAILURE_THRESHOLD: '0.5', DOFS_VISIBILITY_TIMEOUT: '1' }, { processGroup: true });
    runtimes.push(runtime);
    return runtime;
  };
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'dofs-crash-'));
  });
  afterAll(async () => {
    for (const runtime of runtimes) await runtime.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged order, and fulfills none twice', async () => {
    let current = await start();
    let sent = 0;
    const load = sendOrders(() => current.url, ORDERS, CLIENTS, { prefix: 'crash', onProgress: (n) => (sent = n), retryDelayMs: 100 });
    let kills = 0;
    for (const fraction of [0.2, 0.45, 0.7].slice(0, KILLS)) {
      await waitFor(`${Math.round(fraction * 100)}% of the orders sent`, async () => (sent >= ORDERS * fraction ? true : undefined), 120_000, 20);
      // As a supervisor does: kill the whole process group and start again at once, not waiting for
      // the kernel to reap the dead runtime.
      current.crash();
      kills += 1;
      current = await start();
    }
    const { acknowledged, statuses, retries } = await load;
    const tables = await waitFor(
      'every acknowledged order to reach a terminal state after the restarts',
      async () => {
        const now = await snapshot(current.url);
        const open = [...acknowledged].filter((id) => !['FULFILLED', 'FAILED'].includes(now.orders.get(id)?.status ?? ''));
        const rowsMissing = [...now.orders.values()].filter((o) => o.status === 'FAILED' && !now.failedOrders.has(o.order_id));
        return open.length === 0 && rowsMissing.length === 0 ? now : undefined;
      },
      pick(90_000, 600_000),
      500,
    );
    const effects = countFulfillmentEffects(runtimes.flatMap((runtime) => runtime.logs()));
    const result = reconcile(acknowledged, tables, effects);
    // Handlers may log before the ready line (pollers start first), so search every line.
    const redriven = runtimes.slice(1).map((runtime) => /(\d+) pending orders re-sent/.exec(runtime.stdout.find((line) => line.includes('ready on')) ?? '')?.[1] ?? '0');
    process.stdout.write(
      `reliability: crash kills=${kills} accepted=${result.accepted} fulfilled=${result.fulfilled} failed=${result.failed} lost=${result.lost.length} ` +
        `duplicated=${result.duplicated.length} redriven_at_restart=${redriven.join('+')} client_retries=${retries} statuses=${JSON.stringify(statuses)}\n`,
    );
    expect(kills).toBe(KILLS);
    expect(result.accepted).toBe(ORDERS);
    expect(result.lost).toEqual([]);
    expect(result.duplicated).toEqual([]);
    expect(result.problems).toEqual([]);
  }, pick(240_000, 1_200_000));
});
