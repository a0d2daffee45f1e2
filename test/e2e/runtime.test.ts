import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { waitFor } from '../../cli/poll';
import type { BusinessMetricsSummary } from '../../local/business-metrics';
import { rawRequest, request } from '../support/http';
import { runtimeTables } from '../support/runtime-tables';
import { runRuntimeToExit, startRuntimeProcess, useRuntimeProcess } from '../support/runtime-process';

/** True while a pid is taken: a running process or a zombie not yet reaped (signal 0 checks, sends nothing). */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('The local runtime (npm start)', () => {
  describe('serving', () => {
    const runtime = useRuntimeProcess();

    it('answers GET /health and says where it is ready', async () => {
      expect(await request(`${runtime.url}/health`)).toMatchObject({ status: 200, body: { status: 'ok' } });
      const ready = runtime.stdout.filter((line) => !line.startsWith('{'));
      expect(ready[0]).toMatch(/^DOFS local runtime ready on http:\/\/localhost:\d+ \(data: in memory/);
    });

    it.each([
      ['an unknown route', 'GET', '/nope', undefined, {}, 404],
      ['a wrong method', 'DELETE', '/orders', undefined, {}, 405],
      ['malformed JSON', 'POST', '/orders', '{"order_id": "a",', { 'content-type': 'application/json' }, 400],
      ['a non-JSON content type', 'POST', '/orders', 'order_id=a', { 'content-type': 'text/plain' }, 415],
      ['a body over the limit', 'POST', '/orders', JSON.stringify({ item: 'x'.repeat(20_000) }), { 'content-type': 'application/json' }, 413],
      ['an impossible order_id', 'GET', '/orders/..%2F..%2Fetc', undefined, {}, 400],
      // `//` once threw in URL parsing and ended the runtime.
      ['a path of empty segments', 'GET', '//', undefined, {}, 404],
      ['an order path with an empty segment', 'GET', '//orders//x', undefined, {}, 404],
    ])('answers %s with a JSON error and no stack trace', async (_, method, path, body, headers, status) => {
      const response = await request(`${runtime.url}${path}`, { method, body, headers });
      expect(response.status).toBe(status);
      expect(response.body).toHaveProperty('error');
      expect(JSON.stringify(response.body)).not.toMatch(/at \S+ \(|\.mjs|node_modules|Error:/);
    });

    it('answers a request target that is not a path with a JSON 400, and keeps serving', async () => {
      const port = new URL(runtime.url).port;
      for (const target of ['http://evil.example/orders', '*']) {
        const response = await rawRequest(port, target, { method: 'GET' });
        expect([target, response.status, response.body]).toEqual([target, 400, expect.objectContaining({ details: [expect.objectContaining({ field: 'path' })] })]);
      }
      expect((await request(`${runtime.url}/health`)).status).toBe(200);
    });

    it('serves the console to a browser at / and the API\'s JSON 404 to any other client', async () => {
      const page = await fetch(`${runtime.url}/`, { headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect(await page.text()).toMatch(/<title>DOFS local console<\/title>/);
      const api = await request(`${runtime.url}/`);
      expect(api.status).toBe(404);
      expect(api.body).toMatchObject({ error: 'Not found' });
    });

    it('shows an execution and the states it passed', async () => {
      await request(`${runtime.url}/orders`, { method: 'POST', json: { order_id: 'exec-1', item: 'pen', quantity: 1 } });
      const list = await request(`${runtime.url}/_local/executions?order_id=exec-1`);
      const [summary] = list.body.executions as { name: string }[];
      const execution = await request(`${runtime.url}/_local/executions/${summary!.name}`);
      expect(execution.body).toMatchObject({ status: 'SUCCEEDED', orderId: 'exec-1' });
      const entered = (execution.body.states as { name: string; event: string }[]).filter((s) => s.event === 'entered');
      expect(entered.map((s) => s.name)).toEqual(['ValidateOrder', 'StoreOrder', 'NeedsFulfillment', 'EnqueueForFulfillment', 'Accepted']);
      expect((await request(`${runtime.url}/_local/executions/nope`)).status).toBe(404);
    });

    it('takes control requests (faults, FAILURE_THRESHOLD) only from this machine, as JSON', async () => {
      const port = new URL(runtime.url).port;
      const control = (headers: Record<string, string>, body = '{"service":"sqs","operation":"SendMessage","seconds":1}') =>
        rawRequest(port, '/_local/faults', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      // A cross-site form or text/plain POST needs no CORS preflight: refused.
      expect(await control({ 'content-type': 'text/plain' })).toMatchObject({ status: 403, body: { details: [{ field: 'content-type' }] } });
      expect(await control({ origin: 'http://evil.example' })).toMatchObject({ status: 403, body: { details: [{ field: 'origin' }] } });
      // DNS rebinding: the request names a foreign host.
      expect(await control({ host: `evil.example:${port}` })).toMatchObject({ status: 403, body: { details: [{ field: 'host' }] } });
      expect(await control({ origin: runtime.url }, '{"service":"sqs","operation":"SendMesage"}')).toMatchObject({ status: 400, body: { details: [{ field: 'operation' }] } });
      expect(await control({ origin: runtime.url })).toMatchObject({ status: 201, body: { faults: [{ service: 'sqs', operation: 'SendMessage', refused: 0 }] } });
      expect((await request(`${runtime.url}/_local/faults`, { method: 'DELETE' })).body).toEqual({ faults: [] });
    });
  });

  describe('FAILURE_THRESHOLD control (PUT /_local/failure-threshold)', () => {
    // Its own runtime: a changed threshold would change what other tests' orders do.
    const runtime = useRuntimeProcess();
    const put = async (body: string) => {
      const { status, body: answer } = await request(`${runtime.url}/_local/failure-threshold`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
      return { status, body: answer };
    };

    it.each(['{"failure_threshold":2}', '{"failure_threshold":-0.1}', '{"failure_threshold":"0.5"}', '{"failure_threshold":null}', '{}', 'half'])(
      'refuses %s with the range FAILURE_THRESHOLD has everywhere, and keeps the value it had',
      async (body) => {
        expect(await put(body)).toEqual({
          status: 400,
          body: { error: 'Invalid failure threshold', details: [{ field: 'failure_threshold', message: 'must be a number from 0.0 to 1.0' }] },
        });
        expect((await request(`${runtime.url}/_local/failure-threshold`)).body).toEqual({ failure_threshold: 1 });
      },
    );

    it('takes a number from 0.0 to 1.0 and answers what fulfill_order now uses', async () => {
      expect(await put('{"failure_threshold":0.3}')).toEqual({ status: 200, body: { failure_threshold: 0.3 } });
      expect((await request(`${runtime.url}/_local/failure-threshold`)).body).toEqual({ failure_threshold: 0.3 });
      expect(await put('{"failure_threshold":1}')).toEqual({ status: 200, body: { failure_threshold: 1 } });
    });
  });

  describe('stats', () => {
    // A runtime of its own: no other test's orders are in flight while it counts.
    const runtime = useRuntimeProcess();

    it('counts exactly what one order costs: emulator calls, invocations, transitions and the metrics it emits (GET /_local/stats)', async () => {
      type Stats = {
        requests: Record<string, Record<string, number>>;
        invocations: Record<string, { count: number; errors: number; totalMs: number }>;
        executions: { count: number; transitions: number };
        cpuMs: number;
        metrics: BusinessMetricsSummary;
      };
      const stats = async () => (await request(`${runtime.url}/_local/stats`)).body as Stats;
      const before = await stats();
      expect((await request(`${runtime.url}/orders`, { method: 'POST', json: { order_id: 'stats-1', item: 'pen', quantity: 2 } })).status).toBe(202);
      // Watched through the stats alone, so the API is called exactly once: the POST. The poller deletes
      // the message after fulfill_order returns, so its deletion is the last call the order causes.
      const after = await waitFor('its message deleted', async () => {
        const now = await stats();
        return (now.requests.sqs?.DeleteMessageBatch ?? 0) > (before.requests.sqs?.DeleteMessageBatch ?? 0) ? now : undefined;
      });
      // Every emulator call the order caused, but the pollers' own (long polls, queue attributes).
      const background = new Set(['ReceiveMessage', 'GetQueueAttributes', 'GetQueueUrl']);
      const calls: Record<string, number> = {};
      for (const [service, operations] of Object.entries(after.requests)) {
        for (const [operation, count] of Object.entries(operations)) {
          const delta = count - (before.requests[service]?.[operation] ?? 0);
          if (delta !== 0 && !background.has(operation)) calls[`${service}:${operation}`] = delta;
        }
      }
      expect(calls).toEqual({ 'dynamodb:PutItem': 1, 'dynamodb:UpdateItem': 1, 'sqs:SendMessage': 1, 'sqs:DeleteMessageBatch': 1 });
      const invoked = (fn: string) => {
        const [was, is] = [before.invocations[`dofs-local-${fn}`], after.invocations[`dofs-local-${fn}`]];
        return { count: (is?.count ?? 0) - (was?.count ?? 0), errors: (is?.errors ?? 0) - (was?.errors ?? 0) };
      };
      for (const fn of ['api_handler', 'validator', 'order_storage', 'fulfill_order']) expect([fn, invoked(fn)]).toEqual([fn, { count: 1, errors: 0 }]);
      expect(invoked('dlq_handler').count).toBe(0);
      // One execution of five states: ValidateOrder, StoreOrder, NeedsFulfillment, EnqueueForFulfillment, Accepted.
      expect(after.executions.count - before.executions.count).toBe(1);
      expect(after.executions.transitions - before.executions.transitions).toBe(5);

      // The business metrics come as EMF lines on the function threads' output, beside (not before)
      // their results: waited for until the last line the order causes, fulfill_order's OrdersFulfilled.
      const moved = (now: BusinessMetricsSummary, name: string) => {
        const [was, is] = [before.metrics.counts[name], now.counts[name]];
        // A count moves by its sum; a time by how many values it got.
        return is?.unit === 'Count' ? is.sum - (was?.sum ?? 0) : (is?.count ?? 0) - (was?.count ?? 0);
      };
      const metrics = await waitFor('its metrics read', async () => {
        const now = (await stats()).metrics;
        return moved(now, 'OrdersFulfilled') > 0 && moved(now, 'TimeToFulfilled') > 0 ? now : undefined;
      });
      expect(metrics.namespace).toBe('DOFS');
      const emitted = Object.fromEntries(Object.keys(metrics.counts).flatMap((name) => (moved(metrics, name) === 0 ? [] : [[name, moved(metrics, name)]])));
      // Accepted once, fulfilled at the first attempt, one time to fulfilled: nothing rejected, retried or failed.
      expect(emitted).toEqual({ OrdersAccepted: 1, OrdersFulfilled: 1, TimeToFulfilled: 1 });
      expect(metrics.timeToFulfilled.count - before.metrics.timeToFulfilled.count).toBe(1);
      expect(metrics.timeToFulfilled).toMatchObject({ p50: expect.any(Number), p99: expect.any(Number) });
      expect(metrics.timeToFailed.count - before.metrics.timeToFailed.count).toBe(0);
      // One EMF line per function that counted something: api_handler's, and fulfill_order's with both of its metrics.
      expect(metrics.emfLines - before.metrics.emfLines).toBe(2);
      expect(metrics.malformedLines).toBe(0);
    });
  });

  describe('data directory', () => {
    let dataDir: string;
    beforeEach(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'dofs-e2e-'));
    });
    afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

    it('keeps orders across a restart and stops cleanly on Ctrl-C', async () => {
      const first = await startRuntimeProcess({ DOFS_DATA_DIR: dataDir });
      await request(`${first.url}/orders`, { method: 'POST', json: { order_id: 'keep-1', item: 'mug', quantity: 3 } });
      await waitFor('keep-1 fulfilled', async () => ((await request(`${first.url}/orders/keep-1`)).body.status === 'FULFILLED' ? true : undefined));
      expect(await first.stop('SIGINT')).toBe(0);
      // Its own line (a function thread's last log line may still come through after it).
      expect(first.stdout.filter((line) => !line.startsWith('{'))).toContainEqual(expect.stringMatching(/stopping \(SIGINT\)/));

      const second = await startRuntimeProcess({ DOFS_DATA_DIR: dataDir });
      try {
        expect((await request(`${second.url}/orders/keep-1`)).body).toMatchObject({ status: 'FULFILLED', quantity: 3 });
      } finally {
        await second.stop();
      }
    });

    it('refuses a second runtime on the same data directory in one line', async () => {
      const first = await startRuntimeProcess({ DOFS_DATA_DIR: dataDir });
      try {
        const second = await runRuntimeToExit({ PORT: '0', DOFS_DATA_DIR: dataDir });
        expect(second.code).toBe(1);
        expect(second.stderr).toEqual([
          `dofs: the data directory ${dataDir} is in use by another DOFS runtime (pid ${first.child.pid}): stop it, or set DOFS_DATA_DIR to another directory`,
        ]);
        expect((await request(`${first.url}/health`)).status).toBe(200);
      } finally {
        await first.stop();
      }
    });

    it('starts when launched right after a SIGKILL to its whole process group, before the old one is reaped, and loses no acknowledged order', async () => {
      const env = { DOFS_DATA_DIR: dataDir, FAILURE_THRESHOLD: '1.0' };
      const first = await startRuntimeProcess(env, { processGroup: true });
      const ids = Array.from({ length: 20 }, (_, index) => `crash-now-${index}`);
      const answers = await Promise.all(
        ids.map((order_id) => request(`${first.url}/orders`, { method: 'POST', json: { order_id, item: 'kettle', quantity: 2 } })),
      );
      expect(answers.map((answer) => answer.status)).toEqual(ids.map(() => 202));

      first.crash();
      // Spawned synchronously, before this process's event loop can reap the old runtime: its pid is still
      // taken (a zombie at best) while the new one starts, and its fulfillments may be mid-flight.
      const restarting = startRuntimeProcess(env, { processGroup: true });
      const oldPidTakenAtRestart = pidExists(first.child.pid!);
      const second = await restarting;
      try {
        expect(oldPidTakenAtRestart).toBe(true);
        const statuses = await waitFor('every acknowledged order fulfilled after the restart', async () => {
          const found = await Promise.all(ids.map(async (id) => (await request(`${second.url}/orders/${id}`)).body.status as string));
          return found.every((status) => status === 'FULFILLED') ? found : undefined;
        });
        expect(statuses).toHaveLength(ids.length);
      } finally {
        await second.stop();
      }
    });

    it('is not held by a runtime that was killed and not yet reaped (a zombie)', async () => {
      // sh starts the runtime in the background, then becomes `sleep`, which never reaps its child:
      // once SIGKILLed, the runtime stays a zombie with its pid still taken.
      const holder = spawn('sh', ['-c', `"$0" --disable-warning=ExperimentalWarning dist/local/start.mjs & echo "pid $!"; exec sleep 120`, process.execPath], {
        env: { ...process.env, PORT: '0', DOFS_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        let output = '';
        holder.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
        const pid = await waitFor('the first runtime ready', async () => (/ready on/.test(output) ? Number(/^pid (\d+)$/m.exec(output)?.[1]) : undefined));
        process.kill(pid, 'SIGKILL');
        await waitFor(`pid ${pid} a zombie`, async () => (execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim().startsWith('Z') ? true : undefined));

        const second = await startRuntimeProcess({ DOFS_DATA_DIR: dataDir });
        try {
          expect((await request(`${second.url}/health`)).status).toBe(200);
        } finally {
          await second.stop();
        }
      } finally {
        holder.kill('SIGKILL');
      }
    });

    it('marks FAILED, with a failed_orders row, a PENDING order whose message SQS refuses for good', async () => {
      const runtime = await startRuntimeProcess({ DOFS_DATA_DIR: dataDir, DOFS_VISIBILITY_TIMEOUT: '1' });
      try {
        // Only a row written around the schema can hold U+FFFE, which SQS refuses.
        const { db, ordersTable, failedOrdersTable } = await runtimeTables(runtime.url);
        const old = '2026-01-01T00:00:00.000Z';
        await db.send(new PutCommand({ TableName: ordersTable, Item: { order_id: 'unsendable-1', item: 'bad\ufffe', quantity: 1, status: 'PENDING', created_at: old, updated_at: old, attempts: 0 } }));
        const order = await waitFor('the sweeper to fail unsendable-1', async () => {
          const { body } = await request(`${runtime.url}/orders/unsendable-1`);
          return body.status === 'FAILED' ? body : undefined;
        });
        expect(order).toMatchObject({ failure_reason: "order_queue refused the order's message (InvalidMessageContents)", attempts: 0 });
        const { Item } = await db.send(new GetCommand({ TableName: failedOrdersTable, Key: { order_id: 'unsendable-1' }, ConsistentRead: true }));
        expect(Item).toMatchObject({ reason: "order_queue refused the order's message (InvalidMessageContents)" });
      } finally {
        await runtime.stop();
      }
    });

    it('re-sends orders left PENDING when it starts again', async () => {
      // Every attempt fails and a failed message stays invisible for a minute: the order stays PENDING.
      const first = await startRuntimeProcess({ DOFS_DATA_DIR: dataDir, FAILURE_THRESHOLD: '0.0', DOFS_VISIBILITY_TIMEOUT: '60' });
      await request(`${first.url}/orders`, { method: 'POST', json: { order_id: 'stuck-1', item: 'lamp', quantity: 1 } });
      await waitFor('a failed attempt', async () => (first.logs().some((l) => l.order_id === 'stuck-1' && l.outcome === 'retry') ? true : undefined));
      await first.stop('SIGKILL');

      const second = await startRuntimeProcess({ DOFS_DATA_DIR: dataDir, FAILURE_THRESHOLD: '1.0', DOFS_VISIBILITY_TIMEOUT: '60' });
      try {
        // Handlers may already log before the ready line (the queue pollers start first).
        expect(second.stdout.find((line) => line.includes('ready on'))).toMatch(/1 pending orders re-sent/);
        const order = await waitFor('stuck-1 fulfilled', async () => {
          const { body } = await request(`${second.url}/orders/stuck-1`);
          return body.status === 'FULFILLED' ? body : undefined;
        });
        expect(order).toMatchObject({ status: 'FULFILLED' });
      } finally {
        await second.stop();
      }
    });
  });

  describe('start-up errors are one line, not a stack trace', () => {
    it('names a busy port', async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const { port } = blocker.address() as { port: number };
      try {
        const result = await runRuntimeToExit({ PORT: String(port) });
        expect(result.code).toBe(1);
        expect(result.stderr).toEqual([`dofs: port ${port} is already in use: stop what holds it or choose another, e.g. PORT=${port + 1} npm start`]);
      } finally {
        blocker.close();
      }
    });

    it('names a malformed FAILURE_THRESHOLD', async () => {
      const result = await runRuntimeToExit({ PORT: '0', FAILURE_THRESHOLD: 'often' });
      expect(result.code).toBe(1);
      expect(result.stderr).toEqual(['dofs: FAILURE_THRESHOLD must be a number from 0.0 to 1.0 (got "often")']);
    });

    it('names a malformed PORT', async () => {
      const result = await runRuntimeToExit({ PORT: 'eighty' });
      expect(result).toMatchObject({ code: 1, stderr: ['dofs: PORT must be an integer from 0 to 65535 (got "eighty")'] });
    });
  });
});
