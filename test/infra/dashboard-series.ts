import { resourcesOf, type TerraformJson } from '../support/synth';

/** One line of a dashboard chart, or the metric of an alarm: what CloudWatch would look up. */
export interface Series {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: string;
}

interface MetricWidget {
  type: string;
  properties: { stat?: string; metrics?: unknown[][] };
}

/**
 * Every line of every chart on the stack's one dashboard. A line is [namespace, name, dimension name,
 * value, ..., {rendering options}]; its statistic is its own or the chart's
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
 */
export function dashboardSeries(json: TerraformJson): Series[] {
  const dashboards = resourcesOf(json, 'aws_cloudwatch_dashboard');
  if (dashboards.length !== 1) throw new Error(`expected one dashboard, found ${dashboards.length}`);
  const body = JSON.parse(String(dashboards[0]!.dashboard_body)) as { widgets: MetricWidget[] };
  return body.widgets
    .filter((widget) => widget.type === 'metric')
    .flatMap(({ properties }) =>
      (properties.metrics ?? []).map((line) => {
        const last = line.at(-1);
        const options = typeof last === 'object' && last !== null ? (last as { stat?: string }) : undefined;
        const [namespace, metricName, ...pairs] = (options ? line.slice(0, -1) : line).map(String);
        if (pairs.length % 2 !== 0) throw new Error(`a dashboard line has a dimension without a value: ${JSON.stringify(line)}`);
        const dimensions = Object.fromEntries(Array.from({ length: pairs.length / 2 }, (_, i) => [pairs[2 * i]!, pairs[2 * i + 1]!]));
        return { namespace: namespace!, metricName: metricName!, dimensions, stat: String(options?.stat ?? properties.stat) };
      }),
    );
}

/** The metric an alarm watches, as a Series. */
export function alarmSeries(alarm: Record<string, unknown>): Series {
  return {
    namespace: String(alarm.namespace),
    metricName: String(alarm.metric_name),
    dimensions: (alarm.dimensions ?? {}) as Record<string, string>,
    stat: String(alarm.statistic ?? alarm.extended_statistic),
  };
}

/** One string per metric and statistic, dimensions in a fixed order, to compare series. */
export function seriesKey({ namespace, metricName, dimensions, stat }: Series): string {
  return JSON.stringify([namespace, metricName, Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)), stat]);
}
