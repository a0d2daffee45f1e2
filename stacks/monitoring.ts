import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { resourceName } from '../topology/names';
import { businessAlarms } from './business-alarms';
import { dashboardBody } from './dashboard-body';
import { serviceAlarms, type ServiceAlarmOptions } from './service-alarms';

/** What the service alarms watch (the resources and the queue-age threshold), and where and to whom. */
export interface MonitoringOptions extends Omit<ServiceAlarmOptions, 'prefix'> {
  readonly environment: string;
  readonly region: string;
  readonly alarmEmail?: string | undefined;
}

/**
 * Alarms on what means an order is failed, refused, late, stuck or lost (the business metrics, then the
 * services' own), an SNS topic they notify, and a dashboard: the orders first, then the services.
 */
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

    const business = businessAlarms(options.environment);
    const service = serviceAlarms({ ...options, prefix });
    for (const spec of [...business, ...service]) {
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
      dashboardBody: JSON.stringify(dashboardBody({ environment: options.environment, region: options.region, businessAlarms: business, serviceAlarms: service })),
    });
  }
}
