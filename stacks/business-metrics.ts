import { ENVIRONMENT_DIMENSION, METRICS, METRICS_NAMESPACE, type MetricKey } from '../topology/metrics';
import { PROJECT } from '../topology/names';

/**
 * Powertools' own dimension on every business metric: the serviceName the handlers give it
 * (SERVICE_NAME in lambdas/shared/logger.ts, the project's name, 'dofs').
 */
export const SERVICE_DIMENSION = { name: 'service', value: PROJECT } as const;

/** A metric as CloudWatch identifies it: namespace, name and its whole set of dimensions. */
export interface MetricIdentity {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** The values of a metric's extra dimension (topology/metrics.ts); throws for a metric declared without one. */
export function declaredValues(key: MetricKey): readonly string[] {
  const { dimension } = METRICS[key];
  if (!dimension) throw new Error(`${METRICS[key].name} is declared without a dimension`);
  return dimension.values;
}

/**
 * One business metric of one environment, with exactly the dimensions its handlers write: environment,
 * service and, where declared, its extra dimension at one declared value. CloudWatch treats each
 * combination of dimensions as a separate metric, and a query or an alarm must name the same dimensions
 * the metric was published with
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Dimension,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html):
 * an alarm that left out `service`, or the extra dimension, would watch a metric nobody writes and stay
 * OK for ever (missing data is not breaching).
 */
export function businessMetric(key: MetricKey, environment: string, value?: string): MetricIdentity {
  const metric = METRICS[key];
  const dimensions: Record<string, string> = { [ENVIRONMENT_DIMENSION]: environment, [SERVICE_DIMENSION.name]: SERVICE_DIMENSION.value };
  if (metric.dimension) {
    if (value === undefined || !metric.dimension.values.includes(value)) {
      throw new Error(`${metric.name} needs its ${metric.dimension.name} dimension: one of ${metric.dimension.values.join(', ')} (got ${value})`);
    }
    dimensions[metric.dimension.name] = value;
  } else if (value !== undefined) {
    throw new Error(`${metric.name} is declared without a dimension (got ${value})`);
  }
  return { namespace: METRICS_NAMESPACE, metricName: metric.name, dimensions };
}

/** A metric once per declared value of its extra dimension, or once when it has none: every series its handlers write. */
export function everySeriesOf(key: MetricKey, environment: string): MetricIdentity[] {
  return METRICS[key].dimension ? declaredValues(key).map((value) => businessMetric(key, environment, value)) : [businessMetric(key, environment)];
}
