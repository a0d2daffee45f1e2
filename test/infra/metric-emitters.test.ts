import { Testing } from 'cdktf';
import { unzipSync } from 'fflate';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../app/build-app';
import { FUNCTION_KEYS, type FunctionKey } from '../../topology/functions';
import { METRICS, METRICS_NAMESPACE, type MetricKey } from '../../topology/metrics';
import { resourcesOf, type TerraformJson } from '../support/synth';

/**
 * The business metrics against what deploys: each function's bundle (dist/lambdas/<key>.zip, from
 * `node scripts/build.mjs`). The handlers record a metric by its key (lambdas/shared/metrics.ts), and the
 * minified bundle writes an object's keys bare (`ordersFailed:{name:"OrdersFailed",...}`), so the key as a
 * quoted string is there only where code passes it: a call, or a handler's table of what it counts. This
 * holds the declaration's emittedBy to the code; which outcome moves a metric, with which dimension value,
 * is for the handler tests with in-memory fakes (test/unit).
 */
function bundleOf(key: FunctionKey): string {
  const zip = join('dist', 'lambdas', `${key}.zip`);
  if (!existsSync(zip)) throw new Error(`no ${zip}: run \`node scripts/build.mjs\` first`);
  const entry = unzipSync(readFileSync(zip))['index.mjs'];
  if (!entry) throw new Error(`${zip} holds no index.mjs`);
  return Buffer.from(entry).toString('utf8');
}

const bundles = Object.fromEntries(FUNCTION_KEYS.map((key) => [key, bundleOf(key)])) as Record<FunctionKey, string>;
const namedIn = (metric: MetricKey) => FUNCTION_KEYS.filter((key) => bundles[key].includes(JSON.stringify(metric)));

describe('Business metrics in the deployed bundles', () => {
  it.each(Object.keys(METRICS) as MetricKey[])('%s is recorded by exactly the functions it is declared emittedBy', (metric) => {
    expect({ metric, recordedBy: namedIn(metric).sort() }).toEqual({ metric, recordedBy: [...METRICS[metric].emittedBy].sort() });
  });

  it('every metric a DOFS alarm watches is recorded by a deployed function, in the namespace the alarm names', () => {
    const { stacks } = buildApp({ env: {} });
    const alarms = stacks.flatMap((stack) => resourcesOf(JSON.parse(Testing.synth(stack)) as TerraformJson, 'aws_cloudwatch_metric_alarm'));
    const watched = [...new Set(alarms.filter((alarm) => alarm.namespace === METRICS_NAMESPACE).map((alarm) => String(alarm.metric_name)))];
    expect(watched.length).toBeGreaterThan(0);
    for (const name of watched) {
      const metric = (Object.keys(METRICS) as MetricKey[]).find((key) => METRICS[key].name === name);
      const recordedBy = metric ? namedIn(metric) : [];
      expect({ name, recordedBy: recordedBy.length > 0 }).toEqual({ name, recordedBy: true });
      for (const key of recordedBy) expect({ key, namespace: bundles[key].includes(JSON.stringify(METRICS_NAMESPACE)) }).toEqual({ key, namespace: true });
    }
  });
});
