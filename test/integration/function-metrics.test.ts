import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { waitFor } from '../../cli/poll';
import { BusinessMetrics } from '../../local/business-metrics';
import { loadFunction, type LocalFunction } from '../../local/lambda-host';

// The built function worker (npm run test:integration builds first) and Powertools Metrics as ES module.
const WORKER = join(process.cwd(), 'dist', 'local', 'function-worker.mjs');
const POWERTOOLS_METRICS = pathToFileURL(join(process.cwd(), 'node_modules', '@aws-lambda-powertools', 'metrics', 'lib', 'esm', 'index.js')).href;

/**
 * A stand-in bundle that emits through Powertools Metrics what its event asks for, as the handlers
 * do, and can write any other line or throw after it flushed.
 */
const BUNDLE = `
import { Metrics } from '${POWERTOOLS_METRICS}';
const metrics = new Metrics({ namespace: 'DOFS', serviceName: 'dofs', defaultDimensions: { environment: 'local' } });
export const handler = async (event) => {
  for (const [name, value] of Object.entries(event.metrics ?? {})) metrics.addMetric(name, 'Count', value);
  if (event.reason) {
    const rejected = metrics.singleMetric();
    rejected.addDimension('reason', event.reason);
    rejected.addMetric('OrdersRejected', 'Count', 1);
  }
  metrics.publishStoredMetrics();
  for (const line of event.lines ?? []) process.stdout.write(line + '\\n');
  if (event.fail) throw new Error('failed after emitting');
  return 'done';
};
`;

describe("Business metrics read from a function thread's output (lambda-host + business-metrics)", () => {
  let bundleDir: string;
  let fn: LocalFunction;
  let metrics: BusinessMetrics;
  let relayed: string[];

  beforeAll(async () => {
    bundleDir = mkdtempSync(join(tmpdir(), 'dofs-metrics-'));
    mkdirSync(join(bundleDir, 'api_handler'));
    writeFileSync(join(bundleDir, 'api_handler', 'index.mjs'), BUNDLE);
    metrics = new BusinessMetrics();
    fn = await loadFunction({ workerFile: WORKER, bundleDir, key: 'api_handler', functionName: 'dofs-local-api_handler', functionArn: 'arn:test', environment: () => ({}) });
  });
  afterAll(async () => {
    await fn?.stop();
    metrics?.close();
    rmSync(bundleDir, { recursive: true, force: true });
  });
  // The runtime passes the thread's output on to its own stdout: kept here instead of in the test report.
  beforeEach(() => {
    relayed = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      relayed.push(Buffer.from(chunk).toString('utf8'));
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());

  const counted = (name: string) => metrics.summary().counts[name]?.sum ?? 0;

  it('counts what the handler emits, and still passes every line on', async () => {
    await fn.invoke({ metrics: { OrdersAccepted: 1 }, reason: 'conflict', lines: ['{"level":"INFO","message":"not a metric"}'] });
    await waitFor('the EMF lines read', () => (counted('OrdersRejected') === 1 && counted('OrdersAccepted') === 1 ? true : undefined));
    expect(metrics.summary().counts.OrdersRejected?.by.reason?.conflict).toEqual({ sum: 1, count: 1 });
    await waitFor('the log line passed on', () => (relayed.join('').includes('"message":"not a metric"') ? true : undefined));
    expect(relayed.join('')).toMatch(/"_aws":\{"Timestamp":\d+,"CloudWatchMetrics":\[\{"Namespace":"DOFS"/);
  });

  it('counts what a failed invocation flushed before it threw', async () => {
    const before = counted('OrdersNotAccepted');
    await expect(fn.invoke({ metrics: { OrdersNotAccepted: 1 }, fail: true })).rejects.toThrow(/failed after emitting/);
    await waitFor('the EMF line read', () => (counted('OrdersNotAccepted') === before + 1 ? true : undefined));
  });

  it('counts a malformed line, keeps nothing of it, and keeps reading', async () => {
    const accepted = counted('OrdersAccepted');
    const malformed = '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"DOFS","Dimensions":[[]],"Metrics":[{"Name":"OrdersAccepted"}]}]}}';
    await fn.invoke({ lines: [malformed, '{"_aws": not json'], metrics: { OrdersDuplicated: 1 } });
    await waitFor('both malformed lines counted', () => (metrics.summary().malformedLines === 2 ? true : undefined));
    await waitFor('the good line read', () => (counted('OrdersDuplicated') === 1 ? true : undefined));
    expect(counted('OrdersAccepted')).toBe(accepted);
    expect(metrics.summary().lastMalformed).toEqual({ function: 'dofs-local-api_handler', problem: 'not valid JSON' });
  });
});
