import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../cli/poll';
import { runCli } from '../support/cli';
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/** A port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const COMMANDS = ['submit', 'get', 'list', 'failed', 'redrive', 'load', 'executions'];

describe('dofs command line', () => {
  describe('without a runtime', () => {
    it.each(COMMANDS)('explains `%s --help` and exits 0', async (command) => {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: dofs ${command}`));
    });

    it('lists every command, the targets and the exit codes in --help', async () => {
      const result = await runCli(['--help']);
      expect(result.code).toBe(0);
      for (const command of COMMANDS) expect(result.stdout).toContain(`  ${command}`);
      expect(result.stdout).toMatch(/Exit codes:[\s\S]*3 {2}the target could not be reached/);
    });

    it('exits 2 on wrong usage, naming the problem', async () => {
      const unknown = await runCli(['frobnicate']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
      const bad = await runCli(['list', '--status', 'LOST']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/Allowed choices are PENDING, FULFILLED, FAILED/);
      const noItem = await runCli(['submit', '--quantity', '2']);
      expect(noItem.code).toBe(2);
      expect(noItem.stderr).toMatch(/needs --item and --quantity/);
    });

    it('exits 3 and says how to start the runtime when none is running', async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const result = await runCli(['get', 'o-1'], { DOFS_URL: url });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`Cannot reach the local runtime at ${url} (ECONNREFUSED)`);
      expect(result.stderr).toMatch(/npm start/);
      const json = await runCli(['--json', 'list'], { DOFS_URL: url });
      expect(json.code).toBe(3);
      expect(JSON.parse(json.stderr)).toMatchObject({ exit_code: 3, hint: expect.stringContaining('npm start') });
    });

    it('exits 4 for get --journey on a deployed stack, naming the Logs Insights query to run instead', async () => {
      const result = await runCli(['get', 'o-1', '--journey', '--api-url', 'https://abc.execute-api.us-east-1.amazonaws.com']);
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/local runtime only[\s\S]*CloudWatch Logs Insights[\s\S]*aws logs start-query --log-group-names \/aws\/lambda\/dofs-<environment>-api_handler /);
      expect(result.stderr).toContain(`filter order_id = "o-1" | sort @timestamp asc`);
      expect(result.stderr).toMatch(/aws logs get-query-results --query-id/);

      // With the stack outputs, the log groups are named after the stack's tables.
      const outputs = join(mkdtempSync(join(tmpdir(), 'dofs-cli-')), 'outputs.json');
      const queue = (name: string) => `https://sqs.us-east-1.amazonaws.com/123456789012/dofs-dev-${name}`;
      writeFileSync(outputs, JSON.stringify({
        'dofs-dev': {
          api_url: 'https://abc.execute-api.us-east-1.amazonaws.com',
          orders_table: 'dofs-dev-orders',
          failed_orders_table: 'dofs-dev-failed_orders',
          order_queue_url: queue('order_queue'),
          order_dlq_url: queue('order_dlq'),
        },
      }));
      const named = await runCli(['--json', 'get', 'o-1', '--journey', '--outputs', outputs]);
      expect(named.code).toBe(4);
      const refusal = JSON.parse(named.stderr) as { exit_code: number; hint: string };
      expect(refusal.exit_code).toBe(4);
      for (const key of ['api_handler', 'validator', 'order_storage', 'fulfill_order', 'dlq_handler', 'pending_sweeper']) expect(refusal.hint).toContain(`/aws/lambda/dofs-dev-${key}`);

      const invalid = await runCli(['get', 'o"1', '--journey', '--api-url', 'https://abc.execute-api.us-east-1.amazonaws.com']);
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toMatch(/Invalid order_id: order_id may contain only letters/);
    });

    it('exits 4 for executions on a deployed stack, saying where to look instead', async () => {
      const result = await runCli(['executions', 'o-1', '--api-url', 'https://abc.execute-api.us-east-1.amazonaws.com']);
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/local runtime only[\s\S]*CloudWatch Logs/);
    });
  });

  describe('against the local runtime', () => {
    let runtime: RuntimeProcess;
    let env: Record<string, string>;
    const dofs = (...args: string[]) => runCli(args, env, { timeoutMs: 60_000 });

    beforeAll(async () => {
      runtime = await startRuntimeProcess();
      env = { DOFS_URL: runtime.url };
    });
    afterAll(async () => {
      await runtime?.stop();
    });

    it('submits an order from flags, waits for it, and shows it with get and list', async () => {
      const submitted = await dofs('submit', '--order-id', 'cli-flags-1', '--item', 'widget', '--quantity', '2', '--wait');
      expect(submitted.code).toBe(0);
      expect(submitted.stdout).toMatch(/✓ cli-flags-1: accepted \(HTTP 202\)[\s\S]*→ FULFILLED/);

      const shown = await dofs('--json', 'get', 'cli-flags-1');
      expect(shown.code).toBe(0);
      expect(shown.json()).toMatchObject({ order_id: 'cli-flags-1', item: 'widget', quantity: 2, status: 'FULFILLED' });

      const listed = await dofs('list', '--status', 'FULFILLED');
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/^ORDER ID +STATUS +QTY +UPDATED +ITEM\n[\s\S]*cli-flags-1 +FULFILLED +2 /m);

      const missing = await dofs('get', 'no-such-order');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/No order no-such-order/);
    });

    it('submits orders from a JSON file and exits 1 when one is refused, naming the field', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'dofs-cli-')), 'orders.json');
      writeFileSync(file, JSON.stringify([
        { order_id: 'cli-file-1', item: 'lamp', quantity: 1 },
        { order_id: 'cli-file-2', item: 'lamp', quantity: 0 },
      ]));
      const result = await dofs('--json', 'submit', '--file', file);
      expect(result.code).toBe(1);
      const { orders } = result.json<{ orders: { order_id: string; outcome: string; status: number; response: unknown }[] }>();
      expect(orders.map((order) => [order.order_id, order.outcome, order.status])).toEqual([
        ['cli-file-1', 'accepted', 202],
        ['cli-file-2', 'refused', 400],
      ]);
      expect(orders[1]!.response).toMatchObject({ details: [{ field: 'quantity', message: 'must be at least 1' }] });

      const again = await dofs('submit', '--file', '-');
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/- is not JSON/);
    });

    it('runs a load with a failure threshold, reports the summary, and restores the threshold', async () => {
      const result = await dofs('--json', 'load', '--orders', '12', '--concurrency', '4', '--failure-threshold', '0', '--prefix', 'cli-load');
      expect(result.code).toBe(0);
      const summary = result.json<{
        outcome: Record<string, number>;
        throughput: { submitted_per_second: number };
        latency_ms: { post: { p50: number; p90: number; p99: number; max: number } };
      }>();
      expect(summary.outcome).toEqual({ accepted: 12, duplicate: 0, refused: 0, errors: 0, fulfilled: 0, failed: 12, unfinished: 0 });
      expect(summary.throughput.submitted_per_second).toBeGreaterThan(0);
      expect(summary.latency_ms.post).toEqual({ p50: expect.any(Number), p90: expect.any(Number), p99: expect.any(Number), max: expect.any(Number) });
      expect(summary.latency_ms.post.p50).toBeLessThanOrEqual(summary.latency_ms.post.p99);
      // Not a terminal: the progress line is printed at once, then at most every 5 s; nothing else.
      const progress = result.stderr.split('\n').filter(Boolean);
      expect(progress.length).toBeGreaterThanOrEqual(1);
      for (const line of progress) expect(line).toMatch(/^ {2}\[[#.]+\] \d+\/12 sent, \d+ final$/);
      const threshold = await fetch(`${runtime.url}/_local/failure-threshold`).then((response) => response.json());
      expect(threshold).toEqual({ failure_threshold: 1 });

      const failed = await dofs('failed', '--limit', '50');
      expect(failed.code).toBe(0);
      expect(failed.stdout).toMatch(/cli-load-0 .* 3 +\d+ +simulated fulfillment failure \(FAILURE_THRESHOLD=0\)/);
    });

    it("prints an order's journey as a table, the same as JSON with --json, and exits 1 for an order the runtime never saw", async () => {
      expect((await dofs('submit', '--order-id', 'cli-journey-1', '--item', 'pen', '--quantity', '1', '--wait')).code).toBe(0);
      // The fulfillment's log line follows the table's update: wait for it on the timeline.
      const json = await waitFor('the journey to show the fulfillment', async () => {
        const result = await dofs('--json', 'get', 'cli-journey-1', '--journey');
        expect(result.code).toBe(0);
        const journey = result.json<{ events: { kind: string; outcome: string }[] }>();
        return journey.events.some((event) => event.kind === 'fulfillment') ? journey : undefined;
      }, 20_000, 200);
      expect(json).toMatchObject({ order_id: 'cli-journey-1', status: 'FULFILLED' });
      expect(json.events.map((event) => event.kind)).toEqual(['request', 'execution', 'state', 'state', 'state', 'state', 'state', 'fulfillment']);

      const table = await dofs('get', 'cli-journey-1', '--journey');
      expect(table.code).toBe(0);
      const time = String.raw`\d\d:\d\d:\d\d\.\d{3}`;
      expect(table.stdout).toMatch(
        new RegExp(
          [
            String.raw`^Order cli-journey-1: FULFILLED  \(pen x1, 0 failed attempt\(s\)\)`,
            String.raw`Times are UTC on \d{4}-\d\d-\d\d; \+S is seconds since the first event\.`,
            String.raw`TIME +\+S +TOOK +SOURCE +STEP +OUTCOME +DETAIL`,
            String.raw`${time} +\+0\.000 +\d+ ms +api_handler +POST /orders +202 accepted`,
            String.raw`${time} +\+\d+\.\d{3} +\d+ ms +order workflow +workflow execution +succeeded`,
            ...['ValidateOrder', 'StoreOrder', 'NeedsFulfillment', 'EnqueueForFulfillment', 'Accepted'].map(
              (state) => String.raw`${time} +\+\d+\.\d{3} +\d+ ms +order workflow {4}${state} +succeeded.*`,
            ),
            String.raw`${time} +\+\d+\.\d{3} +fulfill_order +order_queue receive 1 +fulfilled\n$`,
          ].join('\n'),
        ),
      );

      const missing = await dofs('get', 'cli-journey-never', '--journey');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/No order cli-journey-never in this runtime/);
      const invalid = await dofs('--json', 'get', 'bad!id', '--journey');
      expect(invalid.code).toBe(1);
      expect(JSON.parse(invalid.stderr)).toMatchObject({ exit_code: 1, error: expect.stringContaining('Invalid order_id: order_id may contain only letters') });
    });

    it('shows the workflow path an order took, and exits 1 for an order the runtime never ran', async () => {
      expect((await dofs('submit', '--order-id', 'cli-path-1', '--item', 'pen', '--quantity', '1', '--wait')).code).toBe(0);
      // The CLI refuses quantity 0 itself, so this one goes to the API directly.
      const refusedPost = await fetch(`${runtime.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ order_id: 'cli-path-2', item: 'pen', quantity: 0 }) });
      expect(refusedPost.status).toBe(400);
      const result = await dofs('executions', 'cli-path-1');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /Order cli-path-1: FULFILLED\nExecution \S+ {2}SUCCEEDED in \d+ ms[^\n]*\n {2}✓ ValidateOrder\n {2}✓ StoreOrder\n {2}✓ NeedsFulfillment\n {2}✓ EnqueueForFulfillment\n {2}✓ Accepted\n {2}then order_queue → fulfill_order → FULFILLED/,
      );
      const refused = await dofs('--json', 'executions', 'cli-path-2');
      expect(refused.code).toBe(0);
      expect(refused.json<{ executions: { status: string; path: { name: string; outcome: string }[] }[] }>().executions[0]).toMatchObject({
        status: 'FAILED',
        path: [
          { name: 'ValidateOrder', outcome: expect.stringMatching(/failed|caught/) },
          { name: 'RejectInvalidOrder' },
        ],
      });
      const none = await dofs('executions', 'never-submitted');
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/No workflow execution for never-submitted/);
    });
  });

  describe('redrive, against a runtime of its own', () => {
    // Its own runtime: `redrive --failed` takes every FAILED order, so no other test's may be there.
    let runtime: RuntimeProcess;
    const dofs = (...args: string[]) => runCli(args, { DOFS_URL: runtime.url }, { timeoutMs: 60_000 });
    beforeAll(async () => {
      runtime = await startRuntimeProcess();
    });
    afterAll(async () => {
      await runtime?.stop();
    });

    it('redrives FAILED orders: a dry run changes nothing, then each is requeued with an audit line and fulfilled', async () => {
      const load = await dofs('--json', 'load', '--orders', '12', '--concurrency', '4', '--failure-threshold', '0', '--prefix', 'cli-redrive');
      expect(load.json<{ outcome: { failed: number } }>().outcome.failed).toBe(12);
      const dry = await dofs('redrive', '--failed', '--dry-run');
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/redrive {2}source=failed_orders {2}order_id=cli-redrive-0 {2}action=would-requeue/);
      expect(dry.stdout).toMatch(/Dry run: nothing changed/);
      expect(JSON.parse((await dofs('--json', 'get', 'cli-redrive-0')).stdout)).toMatchObject({ status: 'FAILED' });

      const result = await dofs('--json', 'redrive', '--failed');
      expect(result.code).toBe(0);
      const report = result.json<{ failed: Record<string, number>; audit: { order_id: string; action: string }[] }>();
      expect(report.failed).toEqual({ candidates: 12, requeued: 12, skipped: 0 });
      expect(report.audit.filter((entry) => entry.action === 'requeued').map((entry) => entry.order_id).sort()).toEqual(
        Array.from({ length: 12 }, (_, index) => `cli-redrive-${index}`).sort(),
      );
      // The threshold is back at 1.0, so the second time round every order is fulfilled.
      const statuses = await waitFor('every redriven order fulfilled', async () => {
        const listed = (await dofs('--json', 'list', '--limit', '100')).json<{ orders: { order_id: string; status: string }[] }>();
        const found = listed.orders.filter((order) => order.order_id.startsWith('cli-redrive-')).map((order) => order.status);
        if (found.includes('FAILED')) throw new Error('a redriven order failed again at FAILURE_THRESHOLD=1');
        return found.length === 12 && found.every((status) => status === 'FULFILLED') ? found : undefined;
      }, 30_000);
      expect(statuses).toEqual(Array(12).fill('FULFILLED'));
      expect((await dofs('--json', 'get', 'cli-redrive-3')).json()).toMatchObject({ redrives: 1, last_failure: expect.stringContaining('FAILURE_THRESHOLD=0') });
      expect((await dofs('failed')).stdout).not.toMatch(/cli-redrive-/);
    });
  });
});
