import type { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';
import { resourceName } from '../topology/names';
import type { DofsFunction } from './function';

export interface MonitoringOptions {
  readonly environment: string;
  readonly region: string;
  readonly alarmEmail?: string | undefined;
  readonly api: Apigatewayv2Api;
  readonly functions: readonly DofsFunction[];
  readonly stateMachine: SfnStateMachine;
  readonly orderQueue: SqsQueue;
  readonly orderDlq: SqsQueue;
  readonly failedExecutionsThreshold: number;
  readonly oldestMessageAgeSeconds: number;
}

type AlarmSpec = Pick<CloudwatchMetricAlarmConfig, 'namespace' | 'metricName' | 'dimensions' | 'statistic' | 'threshold' | 'alarmDescription'> & {
  readonly suffix: string;
};

/** Alarms on what means an order is stuck or lost, an SNS topic they notify, and a dashboard of the same metrics. */
export class Monitoring extends Construct {
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, options: MonitoringOptions) {
    super(scope, id);
    const prefix = resourceName(options.environment, '');
    // Not encrypted at rest, on purpose (SECURITY_EXCEPTIONS, CKV_AWS_26): CloudWatch alarms publish as
    // cloudwatch.amazonaws.com, which the AWS-managed alias/aws/sns key's policy does not allow, so every
    // notification would be dropped; only a customer-managed key could allow it
    // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
    // The messages carry alarm names and metric values, no order data.
    this.topic = new SnsTopic(this, 'alarms', { name: `${prefix}alarms` });
    if (options.alarmEmail) {
      new SnsTopicSubscription(this, 'alarm_email', { topicArn: this.topic.arn, protocol: 'email', endpoint: options.alarmEmail });
    }

    const specs: AlarmSpec[] = [
      {
        // dlq_handler drains order_dlq within seconds, so its visible count stays 0; what moves is the
        // messages its poller receives. (SQS does not count a redrive into a DLQ as NumberOfMessagesSent:
        // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html)
        suffix: 'orders-dead-lettered',
        namespace: 'AWS/SQS',
        metricName: 'NumberOfMessagesReceived',
        dimensions: { QueueName: options.orderDlq.name },
        statistic: 'Sum',
        threshold: 0,
        alarmDescription: 'Orders reached order_dlq: fulfillment failed 3 times (see failed_orders).',
      },
      {
        suffix: 'order-queue-oldest-message',
        namespace: 'AWS/SQS',
        metricName: 'ApproximateAgeOfOldestMessage',
        dimensions: { QueueName: options.orderQueue.name },
        statistic: 'Maximum',
        threshold: options.oldestMessageAgeSeconds,
        alarmDescription: 'Orders wait in order_queue: fulfill_order is failing, throttled or not consuming.',
      },
      ...options.functions.flatMap((f) =>
        (['Errors', 'Throttles'] as const).map(
          (metricName): AlarmSpec => ({
            suffix: `${f.functionName.slice(prefix.length)}-${metricName.toLowerCase()}`,
            namespace: 'AWS/Lambda',
            metricName,
            dimensions: { FunctionName: f.functionName },
            statistic: 'Sum',
            threshold: 0,
            alarmDescription: `${f.functionName} invocations ${metricName === 'Errors' ? 'failed' : 'were throttled'}.`,
          }),
        ),
      ),
      {
        suffix: 'workflow-failed-executions',
        namespace: 'AWS/States',
        metricName: 'ExecutionsFailed',
        dimensions: { StateMachineArn: options.stateMachine.arn },
        statistic: 'Sum',
        threshold: options.failedExecutionsThreshold,
        alarmDescription: 'Many failed workflow executions. Invalid and conflicting orders end FAILED by design, hence the threshold.',
      },
      {
        suffix: 'workflow-timed-out-executions',
        namespace: 'AWS/States',
        metricName: 'ExecutionsTimedOut',
        dimensions: { StateMachineArn: options.stateMachine.arn },
        statistic: 'Sum',
        threshold: 0,
        alarmDescription: 'Workflow executions timed out: clients got 502 and must retry.',
      },
      {
        suffix: 'api-5xx',
        namespace: 'AWS/ApiGateway',
        metricName: '5xx',
        dimensions: { ApiId: options.api.id },
        statistic: 'Sum',
        threshold: 0,
        alarmDescription: 'The order API answered 5xx: orders were not accepted.',
      },
    ];
    for (const spec of specs) {
      const { suffix, ...metric } = spec;
      this.alarms.push(
        new CloudwatchMetricAlarm(this, `alarm_${suffix.replace(/-/g, '_')}`, {
          alarmName: `${prefix}${suffix}`,
          ...metric,
          comparisonOperator: 'GreaterThanThreshold',
          period: 300,
          evaluationPeriods: 1,
          treatMissingData: 'notBreaching',
          alarmActions: [this.topic.arn],
          okActions: [this.topic.arn],
        }),
      );
    }

    new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: `${prefix}pipeline`,
      dashboardBody: JSON.stringify({
        widgets: specs.map((spec, index) => ({
          type: 'metric',
          x: (index % 3) * 8,
          y: Math.floor(index / 3) * 6,
          width: 8,
          height: 6,
          properties: {
            title: spec.suffix,
            region: options.region,
            stat: spec.statistic,
            period: 300,
            metrics: [[spec.namespace, spec.metricName, ...Object.entries(spec.dimensions ?? {}).flat()]],
            annotations: { horizontal: [{ value: spec.threshold, label: 'alarm' }] },
          },
        })),
      }),
    });
  }
}
