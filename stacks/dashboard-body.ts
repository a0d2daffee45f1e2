import { ENVIRONMENT_DIMENSION, FULFILLMENT_OBJECTIVE, type MetricKey } from '../topology/metrics';
import { statisticOf, type AlarmSpec } from './alarm-spec';
import { everySeriesOf, SERVICE_DIMENSION, type MetricIdentity } from './business-metrics';

/** What the dashboard charts about orders, in this order: every business metric, each declared series of it. */
const ORDER_CHARTS: readonly { title: string; metrics: readonly MetricKey[]; stats?: readonly string[]; width?: number }[] = [
  { title: 'Orders accepted, and submitted again (2xx)', metrics: ['ordersAccepted', 'ordersDuplicated'] },
  { title: "Orders rejected for the client's input (4xx)", metrics: ['ordersRejected'] },
  { title: 'Valid orders not accepted: service faults (5xx)', metrics: ['ordersNotAccepted'] },
  { title: 'Orders fulfilled', metrics: ['ordersFulfilled'] },
  { title: 'Orders failed, and dead-lettered', metrics: ['ordersFailed', 'ordersDeadLettered'] },
  { title: 'Fulfillment attempts failed, and orders redriven', metrics: ['fulfillmentAttemptsFailed', 'ordersRedriven'] },
  {
    title: `Time from acceptance to FULFILLED, and to FAILED (ms), against the objective: ${FULFILLMENT_OBJECTIVE.percentile} fulfilled within ${FULFILLMENT_OBJECTIVE.seconds} s`,
    metrics: ['timeToFulfilled', 'timeToFailed'],
    stats: ['p50', FULFILLMENT_OBJECTIVE.percentile],
    width: 24,
  },
];

const PERIOD_SECONDS = 300;
const GRID_WIDTH = 24;
const CHART = { width: 8, height: 6 };

interface Chart {
  readonly title: string;
  readonly stat: string;
  readonly lines: readonly { metric: MetricIdentity; stat: string; label: string }[];
  readonly width?: number | undefined;
}

export interface DashboardOptions {
  readonly environment: string;
  readonly region: string;
  readonly businessAlarms: readonly AlarmSpec[];
  readonly serviceAlarms: readonly AlarmSpec[];
}

const sameMetric = (metric: MetricIdentity, spec: AlarmSpec) =>
  metric.namespace === spec.namespace && metric.metricName === spec.metricName && JSON.stringify(Object.entries(metric.dimensions).sort()) === JSON.stringify(Object.entries(spec.dimensions ?? {}).sort());

/**
 * The dashboard (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
 * the orders first (the business metrics, with each alarm's threshold on the chart of its metric), then
 * the services, one chart per service alarm. Each section starts with a heading on its own row.
 */
export function dashboardBody(options: DashboardOptions): { widgets: Record<string, unknown>[] } {
  const alarms = [...options.businessAlarms, ...options.serviceAlarms];
  const orderCharts = ORDER_CHARTS.map(
    ({ title, metrics, stats = ['Sum'], width }): Chart => ({
      title,
      stat: stats[0]!,
      width,
      lines: metrics.flatMap((key) =>
        everySeriesOf(key, options.environment).flatMap((metric) =>
          stats.map((stat) => {
            // Named by what tells the lines apart: the metric, its extra dimension's value, the statistic.
            const extra = Object.entries(metric.dimensions).filter(([name]) => name !== ENVIRONMENT_DIMENSION && name !== SERVICE_DIMENSION.name);
            const label = [metric.metricName, ...extra.map(([, value]) => value), ...(stats.length > 1 ? [stat] : [])].join(' ');
            return { metric, stat, label };
          }),
        ),
      ),
    }),
  );
  const serviceCharts = options.serviceAlarms.map(
    (spec): Chart => ({
      title: spec.suffix,
      stat: statisticOf(spec),
      lines: [
        {
          metric: { namespace: spec.namespace!, metricName: spec.metricName!, dimensions: spec.dimensions ?? {} },
          stat: statisticOf(spec),
          label: spec.metricName!,
        },
      ],
    }),
  );

  const widgets: Record<string, unknown>[] = [];
  let y = 0;
  const section = (heading: string, charts: readonly Chart[]) => {
    widgets.push({ type: 'text', x: 0, y, width: GRID_WIDTH, height: 1, properties: { markdown: heading } });
    y += 1;
    let x = 0;
    for (const chart of charts) {
      const width = chart.width ?? CHART.width;
      if (x + width > GRID_WIDTH) [x, y] = [0, y + CHART.height];
      const watched = alarms.filter((spec) => chart.lines.some(({ metric }) => sameMetric(metric, spec)));
      widgets.push({
        type: 'metric',
        x,
        y,
        width,
        height: CHART.height,
        properties: {
          title: chart.title,
          view: 'timeSeries',
          region: options.region,
          stat: chart.stat,
          period: PERIOD_SECONDS,
          metrics: chart.lines.map(({ metric, stat, label }) => [metric.namespace, metric.metricName, ...Object.entries(metric.dimensions).flat(), { stat, label }]),
          ...(watched.length > 0 && {
            annotations: { horizontal: watched.map((spec) => ({ value: spec.threshold, label: `alarm ${spec.suffix}: ${statisticOf(spec)} > ${spec.threshold}` })) },
          }),
        },
      });
      x += width;
    }
    y += CHART.height;
  };
  section('## Orders (DOFS business metrics)', orderCharts);
  section('## Services (AWS metrics)', serviceCharts);
  return { widgets };
}
