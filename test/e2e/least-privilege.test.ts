import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../cli/poll';
import { functionEnvironment } from '../../local/function-env';
import { loadFunction, type LocalFunction } from '../../local/lambda-host';
import { localResolver } from '../../local/resolver';
import { localRoles } from '../../local/roles';
import { ENV, FUNCTION_ACCESS, variablesOf, type EnvName } from '../../topology/access';
import { FUNCTION_KEYS, type FunctionKey } from '../../topology/functions';
import { request } from '../support/http';
import { runRuntimeToExit, startRuntimeProcess } from '../support/runtime-process';

/**
 * Least privilege at run time, as on AWS: each function runs in its own execution environment (a worker
 * thread) with only its own environment variables and its own role's credentials, and every call it
 * makes is authorized against that role's policy.
 */
describe('Each function runs alone, with its own environment', () => {
  let bundleDir: string;
  const loaded: LocalFunction[] = [];
  const resolver = localResolver({
    resources: {
      ordersTable: 'dofs-local-orders',
      failedOrdersTable: 'dofs-local-failed_orders',
      orderQueueUrl: 'http://127.0.0.1:1/000000000000/dofs-local-order_queue',
      orderQueueArn: 'arn:aws:sqs:us-east-1:000000000000:dofs-local-order_queue',
      orderDlqUrl: 'http://127.0.0.1:1/000000000000/dofs-local-order_dlq',
      orderDlqArn: 'arn:aws:sqs:us-east-1:000000000000:dofs-local-order_dlq',
    },
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:dofs-local-order-workflow',
    functionArn: (key) => `arn:aws:lambda:us-east-1:000000000000:function:dofs-local-${key}`,
    tableArn: (name) => `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`,
  });
  const roles = localRoles('local', '000000000000', resolver);
  const settings: Partial<Record<EnvName, string>> = { [ENV.failureThreshold]: '0.5', [ENV.environment]: 'local' };
  const environmentOf = (key: FunctionKey) =>
    functionEnvironment(key, { functionName: `dofs-local-${key}`, region: 'us-east-1', role: roles.functions[key], endpoints: { dynamodb: 'http://127.0.0.1:1', sqs: 'http://127.0.0.1:2', stepfunctions: 'http://127.0.0.1:3' }, resolver, settings });
  const load = async (key: FunctionKey) => {
    const fn = await loadFunction({ workerFile: join(process.cwd(), 'dist', 'local', 'function-worker.mjs'), bundleDir, key, functionName: `dofs-local-${key}`, functionArn: `arn:aws:lambda:us-east-1:000000000000:function:dofs-local-${key}`, environment: () => environmentOf(key) });
    loaded.push(fn);
    return fn;
  };

  beforeAll(() => {
    // Probe bundles in place of the handlers: each answers with its environment and its module's identity.
    bundleDir = mkdtempSync(join(tmpdir(), 'dofs-probe-'));
    for (const key of FUNCTION_KEYS) {
      mkdirSync(join(bundleDir, key));
      writeFileSync(
        join(bundleDir, key, 'index.mjs'),
        'const loadedAt = Math.random();\n' +
          // {crash: true} leaves a rejection unhandled, which ends a Lambda runtime process.
          'export const handler = async (event) => { if (event?.crash) { Promise.reject(new Error("left unhandled")); await new Promise((r) => setTimeout(r, 1000)); } return { env: { ...process.env }, loadedAt, sharedMark: globalThis.dofsMark, mark: (globalThis.dofsMark = event?.mark) }; };\n',
      );
    }
    process.env.DOFS_RUNTIME_ONLY = 'the runtime process has this; no function should';
  });
  afterAll(async () => {
    delete process.env.DOFS_RUNTIME_ONLY;
    await Promise.all(loaded.map((fn) => fn.stop()));
    rmSync(bundleDir, { recursive: true, force: true });
  });

  it.each(FUNCTION_KEYS)("%s sees exactly its declared variables, Lambda's own and the endpoints, and none of the runtime's", async (key) => {
    const { env } = (await (await load(key)).invoke({})) as { env: Record<string, string> };
    expect(env).toEqual(environmentOf(key));
    const given = Object.values(ENV).filter((name) => env[name] !== undefined).sort();
    expect(given).toEqual(variablesOf(key).filter((name) => !FUNCTION_ACCESS[key].optional.includes(name)));
    expect(env.DOFS_RUNTIME_ONLY).toBeUndefined();
    expect(env.AWS_ACCESS_KEY_ID).toBe(roles.functions[key].credentials.accessKeyId);
  });

  it('keeps functions apart: what one leaves in its globals another never sees', async () => {
    const [first, second] = await Promise.all([load('validator'), load('order_storage')]);
    await first.invoke({ mark: 'validator was here' });
    expect(((await second.invoke({})) as { sharedMark?: string }).sharedMark).toBeUndefined();
    expect(((await first.invoke({})) as { sharedMark?: string }).sharedMark).toBe('validator was here');
  });

  it('fails the invocations of an environment that crashed with Runtime.ExitError, and starts a fresh one for the next', async () => {
    const fn = await load('dlq_handler');
    const before = (await fn.invoke({})) as { loadedAt: number };
    await expect(fn.invoke({ crash: true })).rejects.toMatchObject({ name: 'Runtime.ExitError' });
    const after = (await fn.invoke({})) as { loadedAt: number };
    expect(after.loadedAt).not.toBe(before.loadedAt);
  });

  it('starts a new execution environment on a configuration change, reading the environment again', async () => {
    const fn = await load('fulfill_order');
    const before = (await fn.invoke({})) as { loadedAt: number; env: Record<string, string> };
    settings[ENV.failureThreshold] = '0.25';
    await fn.reload();
    const after = (await fn.invoke({})) as { loadedAt: number; env: Record<string, string> };
    expect(before.env.FAILURE_THRESHOLD).toBe('0.5');
    expect(after.env.FAILURE_THRESHOLD).toBe('0.25');
    expect(after.loadedAt).not.toBe(before.loadedAt);
  });
});

describe("Every call is authorized against the caller's role", () => {
  it('a function whose role lacks one action gets AccessDenied, logged and counted, and the order takes the failure path', async () => {
    const runtime = await startRuntimeProcess({ DOFS_REVOKE: 'fulfill_order:dynamodb:UpdateItem', FAILURE_THRESHOLD: '1.0' }, { expectDenials: true });
    try {
      expect(runtime.stdout.find((line) => line.includes('ready on'))).toMatch(/revoked: fulfill_order dynamodb:UpdateItem/);
      expect((await request(`${runtime.url}/orders`, { method: 'POST', json: { order_id: 'denied-1', item: 'key', quantity: 1 } })).status).toBe(202);
      const order = await waitFor('denied-1 to fail after its receives', async () => {
        const { body } = await request(`${runtime.url}/orders/denied-1`);
        return body.status === 'FAILED' ? body : undefined;
      });
      expect(order).toMatchObject({ status: 'FAILED' });
      const denials = runtime.logs().filter((line) => line.message === 'access denied');
      expect(denials.length).toBeGreaterThanOrEqual(3);
      expect(denials[0]).toMatchObject({ role: 'dofs-local-fulfill_order', action: 'dynamodb:UpdateItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/dofs-local-orders' });
      const attempts = runtime.logs().filter((line) => line.order_id === 'denied-1' && line.function === 'fulfill_order');
      expect(JSON.stringify(attempts)).toMatch(/AccessDeniedException/);
      const { body: stats } = await request(`${runtime.url}/_local/stats`);
      expect((stats.denials as Record<string, number>)['dofs-local-fulfill_order dynamodb:UpdateItem']).toBe(denials.length);
    } finally {
      await runtime.stop();
    }
  });

  it('with every grant in place, a whole order path is denied nothing', async () => {
    const runtime = await startRuntimeProcess({ FAILURE_THRESHOLD: '0.0' });
    try {
      await request(`${runtime.url}/orders`, { method: 'POST', json: { order_id: 'allowed-1', item: 'key', quantity: 1 } });
      await waitFor('allowed-1 FAILED through the DLQ path', async () => ((await request(`${runtime.url}/orders/allowed-1`)).body.status === 'FAILED' ? true : undefined));
      expect(runtime.logs().filter((line) => line.message === 'access denied')).toEqual([]);
      expect((await request(`${runtime.url}/_local/stats`)).body.denials).toEqual({});
    } finally {
      await runtime.stop();
    }
  });

  it('refuses a revocation of a grant the role does not have, naming it', async () => {
    const result = await runRuntimeToExit({ PORT: '0', DOFS_REVOKE: 'validator:dynamodb:PutItem' });
    expect(result.stderr).toEqual(['dofs: DOFS_REVOKE takes dynamodb:PutItem from validator, whose role is not granted it']);
  });
});
