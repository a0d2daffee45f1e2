import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { ENVIRONMENT_DIMENSION, METRICS, METRICS_NAMESPACE, type MetricKey } from '../../topology/metrics';
import { elapsedMs } from './clock';
import { DofsError } from './errors';
import { SERVICE_NAME, type Logger } from './logger';

/**
 * The business metrics (topology/metrics.ts) as the handlers emit them: Powertools Metrics, which prints
 * CloudWatch embedded metric format (EMF) lines to stdout, where CloudWatch Logs extracts them. Every
 * metric has the dimensions service and environment, and is stored until the invocation ends, then
 * printed with the others on one line (logMetrics); one with a declared extra dimension (a reason) is
 * emitted at once on its own line, so that dimension never reaches the others.
 */
export function createMetrics(environment: string, logger?: Logger): Metrics {
  return new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: SERVICE_NAME,
    defaultDimensions: { [ENVIRONMENT_DIMENSION]: environment },
    // Powertools' own warnings (a dimension it drops, say) as JSON lines with the request's keys,
    // rather than plain text on stderr.
    ...(logger ? { logger } : {}),
  });
}

/** A handler emitted a metric otherwise than topology/metrics.ts declares it: a fault of the code, never of an order. */
export class UndeclaredMetricError extends DofsError {
  constructor(message: string) {
    super('UndeclaredMetricError', message);
  }
}

/** Records one value of a declared metric in its declared unit; `dimensionValue` is required exactly when it declares a dimension, and must be one of its values. */
export function record(metrics: Metrics, key: MetricKey, value: number, dimensionValue?: string): void {
  const { name, unit, dimension } = METRICS[key];
  if (!dimension) {
    if (dimensionValue !== undefined) throw new UndeclaredMetricError(`${name} is declared without a dimension (got "${dimensionValue}")`);
    metrics.addMetric(name, MetricUnit[unit], value);
    return;
  }
  if (dimensionValue === undefined || !dimension.values.includes(dimensionValue)) {
    throw new UndeclaredMetricError(`${name} needs its ${dimension.name} dimension, one of ${dimension.values.join(', ')} (got "${dimensionValue}")`);
  }
  // A single-metric emitter prints at once, with the default dimensions and this one only.
  const single = metrics.singleMetric();
  single.addDimension(dimension.name, dimensionValue);
  single.addMetric(name, MetricUnit[unit], value);
}

/** Counts one occurrence of a declared Count metric. */
export function count(metrics: Metrics, key: MetricKey, dimensionValue?: string): void {
  if (METRICS[key].unit !== 'Count') throw new UndeclaredMetricError(`${METRICS[key].name} is not a count (its unit is ${METRICS[key].unit})`);
  record(metrics, key, 1, dimensionValue);
}

/**
 * The time from its created_at of an order that became FULFILLED (timeToFulfilled) or FAILED
 * (timeToFailed) at `completedAt`. Neither has a dimension of its own, so it is stored with the
 * invocation's other metrics and printed on its one EMF line, not on a line of its own. Nothing when
 * created_at is unknown (an order missing from the table), rather than a made-up time. The handler names
 * the metric, so that its bundle names only the ones it records (test/infra/metric-emitters.test.ts).
 */
export function recordCompletionTime(metrics: Metrics, key: 'timeToFulfilled' | 'timeToFailed', createdAt: string | undefined, completedAt: string): void {
  const milliseconds = createdAt === undefined ? undefined : elapsedMs(createdAt, completedAt);
  if (milliseconds !== undefined) record(metrics, key, milliseconds);
}

/**
 * What Powertools' logMetrics middleware does, for a plain handler function: the metrics stored during
 * the invocation are printed once, as one EMF line, when it ends (returned or thrown). An invocation that
 * stored none (a GET, a redelivery with nothing new) prints nothing: Powertools would warn on each.
 */
export function logMetrics<A extends unknown[], R>(metrics: Metrics, handler: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await handler(...args);
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

export type { Metrics };
