import { FULFILLMENT_OBJECTIVE, METRICS } from '../topology/metrics';
import type { AlarmSpec } from './alarm-spec';
import { businessMetric, declaredValues } from './business-metrics';

/**
 * The alarms on what an order went through (the DOFS metrics of topology/metrics.ts), each firing from
 * the first order it concerns: none of them moves on bad input from the internet, so none needs the
 * tolerance the workflow's ExecutionsFailed alarm had.
 */
export function businessAlarms(environment: string): AlarmSpec[] {
  return [
    {
      // OrdersFailed alone: it moves on both ways an order becomes FAILED (dlq_handler after order_dlq,
      // pending_sweeper when order_queue refuses it for good). OrdersDeadLettered would add nothing that
      // pages: every order it counts was received from order_dlq, which orders-dead-lettered
      // (stacks/service-alarms.ts) already watches, and one already fulfilled is not lost.
      suffix: 'orders-failed',
      ...businessMetric('ordersFailed', environment),
      statistic: 'Sum',
      threshold: 0,
      alarmDescription: `Orders became FAILED: ${METRICS.ordersFailed.meaning}. Their reasons are in failed_orders.`,
    },
    // One alarm per reason rather than one on a metric-math SUM of them
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create-alarm-on-metric-math-expression.html):
    // at a threshold of 0 the sum is above it exactly when one reason is, so a sum would fire on the same
    // orders while its name hid which fault it was. A reason declared later gets its alarm here.
    ...declaredValues('ordersNotAccepted').map(
      (reason): AlarmSpec => ({
        suffix: `orders-not-accepted-${reason.replace(/_/g, '-')}`,
        ...businessMetric('ordersNotAccepted', environment, reason),
        statistic: 'Sum',
        threshold: 0,
        alarmDescription: `Valid orders were refused with 5xx (${reason}): ${METRICS.ordersNotAccepted.meaning}. Clients must retry.`,
      }),
    ),
    {
      // A percentile as an alarm's extended statistic
      // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html); CloudWatch
      // computes percentiles of a custom metric from the raw values it was published with, which EMF
      // carries (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Percentiles).
      // TimeToFulfilled has no dimension of its own (service and environment only); it is in milliseconds
      // (topology/metrics.ts), the objective in seconds.
      suffix: 'order-fulfillment-time',
      ...businessMetric('timeToFulfilled', environment),
      extendedStatistic: FULFILLMENT_OBJECTIVE.percentile,
      // Below 10/(1-percentile) orders in a period (1000 for a p99) a percentile is not statistically significant; evaluated
      // anyway, it is close to the slowest order, and an order slower than the objective is what this
      // alarm is for (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/percentiles-with-low-samples.html).
      evaluateLowSampleCountPercentiles: 'evaluate',
      threshold: FULFILLMENT_OBJECTIVE.seconds * 1000,
      alarmDescription: `Orders take too long to be fulfilled: ${FULFILLMENT_OBJECTIVE.percentile} of the time from acceptance to FULFILLED is above the objective of ${FULFILLMENT_OBJECTIVE.seconds} s.`,
    },
  ];
}
