import type { CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';

/**
 * One alarm before it is a resource: the metric it watches, how, and the threshold above which it
 * fires; `suffix` names it (after `dofs-<environment>-`). Every alarm compares GreaterThanThreshold
 * over one 5-minute period (stacks/monitoring.ts), and the dashboard charts the same metric.
 */
export type AlarmSpec = Pick<
  CloudwatchMetricAlarmConfig,
  'namespace' | 'metricName' | 'dimensions' | 'statistic' | 'extendedStatistic' | 'evaluateLowSampleCountPercentiles' | 'threshold' | 'alarmDescription'
> & {
  readonly suffix: string;
};

/** The statistic an alarm evaluates, as a dashboard names it: Sum, Maximum, p99... */
export function statisticOf(spec: AlarmSpec): string {
  const statistic = spec.statistic ?? spec.extendedStatistic;
  if (!statistic) throw new Error(`alarm ${spec.suffix} names no statistic`);
  return statistic;
}
