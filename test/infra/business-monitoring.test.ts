import { Testing } from 'cdktf';
import { buildApp } from '../../app/build-app';
import { ENVIRONMENTS } from '../../stacks/config';
import { ENV } from '../../topology/access';
import type { FunctionKey } from '../../topology/functions';
import { ENVIRONMENT_DIMENSION, FULFILLMENT_OBJECTIVE, METRICS, METRICS_NAMESPACE, type MetricDefinition, type MetricKey } from '../../topology/metrics';
import { resourceName } from '../../topology/names';
import { resourcesOf, type TerraformJson } from '../support/synth';
import { alarmSeries, dashboardSeries, type Series } from './dashboard-series';

/**
 * The alarms and the dashboard against the business metrics contract (topology/metrics.ts): CloudWatch
 * matches a metric on its namespace, name and whole set of dimensions, so a name, a dimension or a value
 * the handlers do not write makes an alarm that never fires and a chart that stays empty.
 */
const { stacks } = buildApp({ env: {} });
const environments = stacks.map((stack, index) => ({ environment: ENVIRONMENTS[index]!, json: JSON.parse(Testing.synth(stack)) as TerraformJson }));

/** Powertools' `service` dimension: the serviceName every handler gives it. */
const SERVICE = 'dofs';
const DEFINITIONS: [MetricKey, MetricDefinition][] = Object.entries(METRICS) as [MetricKey, MetricDefinition][];
const definitionNamed = (name: string) => DEFINITIONS.find(([, definition]) => definition.name === name);
const alarmsOf = (json: TerraformJson) => resourcesOf(json, 'aws_cloudwatch_metric_alarm');

/**
 * The business alarms: the metric each watches, and the function whose outcome moves it (it must be one
 * of the metric's declared emitters, and deployed with the environment the alarm names). A DOFS alarm
 * not listed here fails the test, so none can watch a metric nobody emits.
 */
const BUSINESS_ALARMS: readonly {
  suffix: string;
  metric: MetricKey;
  value?: string;
  statistic: string;
  threshold: number;
  movedBy: readonly FunctionKey[];
}[] = [
  // An order dead-lettered (dlq_handler marks it FAILED) or refused by order_queue for good (pending_sweeper).
  { suffix: 'orders-failed', metric: 'ordersFailed', statistic: 'Sum', threshold: 0, movedBy: ['dlq_handler', 'pending_sweeper'] },
  // A valid order answered 5xx because the workflow failed, or because a dependency was unavailable.
  { suffix: 'orders-not-accepted-workflow-failed', metric: 'ordersNotAccepted', value: 'workflow_failed', statistic: 'Sum', threshold: 0, movedBy: ['api_handler'] },
  { suffix: 'orders-not-accepted-unavailable', metric: 'ordersNotAccepted', value: 'unavailable', statistic: 'Sum', threshold: 0, movedBy: ['api_handler'] },
  // An order fulfilled later than the objective (fulfill_order records the time when it fulfills).
  {
    suffix: 'order-fulfillment-time',
    metric: 'timeToFulfilled',
    statistic: FULFILLMENT_OBJECTIVE.percentile,
    threshold: FULFILLMENT_OBJECTIVE.seconds * 1000,
    movedBy: ['fulfill_order'],
  },
];

describe.each(environments)('Business metrics in dofs-$environment', ({ environment, json }) => {
  const alarms = alarmsOf(json);
  const charted = dashboardSeries(json);
  const business = (series: readonly Series[]) => series.filter((s) => s.namespace === METRICS_NAMESPACE);

  it('every alarm and chart is in the DOFS namespace or an AWS one (a misspelt namespace would escape every check below)', () => {
    for (const series of [...alarms.map(alarmSeries), ...charted]) expect(series.namespace).toMatch(new RegExp(`^(${METRICS_NAMESPACE}|AWS/\\w+)$`));
  });

  it('every DOFS metric an alarm or a chart names is declared, with exactly its dimensions and only declared values', () => {
    const watched = business([...alarms.map(alarmSeries), ...charted]);
    expect(watched.length).toBeGreaterThan(0);
    for (const series of watched) {
      const declared = definitionNamed(series.metricName);
      expect({ metric: series.metricName, declared: Boolean(declared) }).toEqual({ metric: series.metricName, declared: true });
      const [, definition] = declared!;
      const names = [ENVIRONMENT_DIMENSION, 'service', ...(definition.dimension ? [definition.dimension.name] : [])].sort();
      expect({ metric: series.metricName, dimensions: Object.keys(series.dimensions).sort() }).toEqual({ metric: series.metricName, dimensions: names });
      expect(series.dimensions[ENVIRONMENT_DIMENSION]).toBe(environment);
      expect(series.dimensions.service).toBe(SERVICE);
      if (definition.dimension) expect(definition.dimension.values).toContain(series.dimensions[definition.dimension.name]);
    }
  });

  it('charts every declared metric, once for each declared value of its dimension', () => {
    const chartedDofs = business(charted);
    for (const [, definition] of DEFINITIONS) {
      const values = definition.dimension?.values ?? [undefined];
      for (const value of values) {
        const found = chartedDofs.some((s) => s.metricName === definition.name && (value === undefined || s.dimensions[definition.dimension!.name] === value));
        expect({ metric: definition.name, value, charted: found }).toEqual({ metric: definition.name, value, charted: true });
      }
    }
  });

  it('charts the time to fulfilled and the time to failed at p50 and at the objective percentile', () => {
    for (const metric of [METRICS.timeToFulfilled, METRICS.timeToFailed]) {
      const stats = charted.filter((s) => s.metricName === metric.name).map((s) => s.stat);
      expect({ metric: metric.name, stats: stats.sort() }).toEqual({ metric: metric.name, stats: ['p50', FULFILLMENT_OBJECTIVE.percentile].sort() });
    }
  });

  it('draws both times on one chart, with the objective as a line at its milliseconds', () => {
    const [dashboard] = resourcesOf(json, 'aws_cloudwatch_dashboard');
    const { widgets } = JSON.parse(String(dashboard!.dashboard_body)) as { widgets: { properties: { metrics?: unknown[][]; annotations?: { horizontal?: { value: number }[] } } }[] };
    const charts = widgets.filter(({ properties }) => properties.metrics?.some((line) => line[1] === METRICS.timeToFulfilled.name));
    expect(charts).toHaveLength(1);
    const names = new Set(charts[0]!.properties.metrics!.map((line) => line[1]));
    expect([...names].sort()).toEqual([METRICS.timeToFailed.name, METRICS.timeToFulfilled.name].sort());
    expect(charts[0]!.properties.annotations?.horizontal?.map(({ value }) => value)).toEqual([FULFILLMENT_OBJECTIVE.seconds * 1000]);
  });

  it('alarms on orders failed, valid orders not accepted (each reason) and fulfillment time, from the first one, and on nothing else in DOFS', () => {
    const dofsAlarms = alarms.filter((alarm) => alarm.namespace === METRICS_NAMESPACE);
    expect(dofsAlarms.map((alarm) => alarm.alarm_name).sort()).toEqual(BUSINESS_ALARMS.map(({ suffix }) => resourceName(environment, suffix)).sort());
    for (const expected of BUSINESS_ALARMS) {
      const alarm = dofsAlarms.find((a) => a.alarm_name === resourceName(environment, expected.suffix))!;
      const definition = METRICS[expected.metric];
      expect(alarm).toMatchObject({
        metric_name: definition.name,
        dimensions: {
          [ENVIRONMENT_DIMENSION]: environment,
          service: SERVICE,
          ...(definition.dimension && expected.value !== undefined ? { [definition.dimension.name]: expected.value } : {}),
        },
        threshold: expected.threshold,
        comparison_operator: 'GreaterThanThreshold',
        period: 300,
        evaluation_periods: 1,
        treat_missing_data: 'notBreaching',
      });
      expect(alarmSeries(alarm).stat).toBe(expected.statistic);
    }
  });

  it("the fulfillment-time alarm holds the objective: the objective's percentile of TimeToFulfilled above its seconds, in milliseconds", () => {
    const alarm = alarms.find((a) => a.alarm_name === resourceName(environment, 'order-fulfillment-time'))!;
    expect(METRICS.timeToFulfilled.unit).toBe('Milliseconds');
    expect(alarm).toMatchObject({
      metric_name: METRICS.timeToFulfilled.name,
      extended_statistic: FULFILLMENT_OBJECTIVE.percentile,
      threshold: FULFILLMENT_OBJECTIVE.seconds * 1000,
      // Evaluated even below the 1000 samples a p99 needs to be significant: at low volume it is close
      // to the slowest order, which is what the objective is about.
      evaluate_low_sample_count_percentiles: 'evaluate',
    });
    // PutMetricAlarm takes a statistic or an extended statistic, not both.
    expect(alarm.statistic).toBeUndefined();
    expect(alarm.dimensions).toEqual({ [ENVIRONMENT_DIMENSION]: environment, service: SERVICE });
  });

  it('no alarm on the workflow\'s ExecutionsFailed, which invalid and conflicting orders move by design', () => {
    expect(alarms.filter((alarm) => alarm.namespace === 'AWS/States').map((alarm) => alarm.metric_name)).toEqual(['ExecutionsTimedOut']);
  });

  it.each(BUSINESS_ALARMS)('$suffix can fire: a declared emitter of its metric is deployed, writing this environment', ({ metric, movedBy }) => {
    expect(movedBy.length).toBeGreaterThan(0);
    const functions = resourcesOf(json, 'aws_lambda_function');
    for (const emitter of movedBy) {
      expect({ metric: METRICS[metric].name, emitter, declared: (METRICS[metric].emittedBy as readonly string[]).includes(emitter) }).toEqual({
        metric: METRICS[metric].name,
        emitter,
        declared: true,
      });
      const fn = functions.find((f) => f.function_name === resourceName(environment, emitter));
      // The `environment` dimension it writes is the DOFS_ENVIRONMENT it is given.
      const variables = (fn?.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {};
      expect({ emitter, [ENV.environment]: variables[ENV.environment] }).toEqual({ emitter, [ENV.environment]: environment });
    }
  });
});
