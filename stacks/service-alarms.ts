import type { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import type { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import type { AlarmSpec } from './alarm-spec';
import type { DofsFunction } from './function';

export interface ServiceAlarmOptions {
  /** `dofs-<environment>-`: what an alarm's suffix drops from a function's name. */
  readonly prefix: string;
  readonly api: Apigatewayv2Api;
  readonly functions: readonly DofsFunction[];
  readonly stateMachine: SfnStateMachine;
  readonly orderQueue: SqsQueue;
  readonly orderDlq: SqsQueue;
  readonly oldestMessageAgeSeconds: number;
}

/**
 * The alarms on the AWS services' own metrics: what the business metrics cannot see, because no
 * handler ran to emit them (a function that failed or was throttled, a message that names no order, an
 * execution that timed out, a 5xx from API Gateway itself).
 *
 * No alarm on the workflow's ExecutionsFailed: invalid and conflicting orders end their executions
 * FAILED by design, so it had to tolerate 25 per 5 minutes; a failure that is not the client's now
 * raises orders-not-accepted-* (stacks/business-alarms.ts) from the first one.
 */
export function serviceAlarms(options: ServiceAlarmOptions): AlarmSpec[] {
  const { prefix } = options;
  return [
    {
      // dlq_handler drains order_dlq within seconds, so its visible count stays 0; what moves is the
      // messages its poller receives. (SQS does not count a redrive into a DLQ as NumberOfMessagesSent:
      // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html)
      // Kept beside orders-failed: it also sees a message that names no order (dlq_handler logs and drops
      // it, so no business metric moves) and a dlq_handler that cannot record the failure (each receive).
      suffix: 'orders-dead-lettered',
      namespace: 'AWS/SQS',
      metricName: 'NumberOfMessagesReceived',
      dimensions: { QueueName: options.orderDlq.name },
      statistic: 'Sum',
      threshold: 0,
      alarmDescription:
        'Messages reached order_dlq: fulfillment failed 3 times (see failed_orders), or a message names no order (dlq_handler logged and dropped it).',
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
}
