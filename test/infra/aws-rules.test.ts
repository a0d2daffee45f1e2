import { Testing } from 'cdktf';
import { buildApp } from '../../app/build-app';
import { QUEUE_CONSUMERS } from '../../topology/queues';
import { resourcesOf, type TerraformJson } from '../support/synth';

/**
 * Rules AWS enforces (or that decide whether a resource does its job on AWS) which moto does not, checked
 * on the synthesized Terraform. Each rule first asserts it has something to check.
 */
const synth = (env: Record<string, string>) => {
  const { stacks, cicd } = buildApp({ env });
  return [...stacks, cicd].map((stack) => JSON.parse(Testing.synth(stack)) as TerraformJson);
};
// Reserved concurrency at the smallest values the configuration accepts, so the rule below has cases.
const reserved = QUEUE_CONSUMERS.map((c) => `${c.consumer}=${c.eventSource.maximumConcurrency}`).join(',');
const stacks = [...synth({}), ...synth({ DOFS_RESERVED_CONCURRENCY: reserved, DOFS_PIPELINE_SOURCE: 'token' })];

type Resource = Record<string, unknown>;
/** The resource a "${type.name.attr}" reference points at, within its stack. */
function target(stack: TerraformJson, reference: unknown): Resource | undefined {
  const match = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(String(reference));
  return match ? stack.resource[match[1]!]?.[match[2]!] : undefined;
}
const mappings = () =>
  stacks.flatMap((stack) => resourcesOf(stack, 'aws_lambda_event_source_mapping').map((m) => ({ stack, mapping: m, queue: target(stack, m.event_source_arn)!, fn: target(stack, m.function_name)! })));

describe('AWS rules moto does not enforce', () => {
  it("every queue's visibility timeout is at least its consumer's timeout (CreateEventSourceMapping refuses less)", () => {
    // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html ("at least six times").
    expect(mappings().length).toBeGreaterThan(0);
    for (const { queue, fn } of mappings()) {
      expect(queue).toBeDefined();
      expect(Number(queue.visibility_timeout_seconds)).toBeGreaterThanOrEqual(6 * Number(fn.timeout));
    }
  });

  it("reserved concurrency, where set, is at least the mapping's maximum concurrency", () => {
    // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html#events-sqs-max-concurrency
    const checked = mappings().filter(({ fn }) => fn.reserved_concurrent_executions !== undefined);
    expect(checked.length).toBeGreaterThan(0);
    for (const { mapping, fn } of checked) {
      expect(Number(fn.reserved_concurrent_executions)).toBeGreaterThanOrEqual(Number((mapping.scaling_config as { maximum_concurrency: number }).maximum_concurrency));
    }
  });

  it('no alarm watches a count a consumer keeps at zero, and every alarm names a resource of its own stack', () => {
    // A DLQ drained by dlq_handler shows no visible messages: ApproximateNumberOfMessagesVisible stays 0.
    const drained = new Set(mappings().map(({ queue }) => String(queue.name)));
    const alarms = stacks.flatMap((stack) => resourcesOf(stack, 'aws_cloudwatch_metric_alarm').map((alarm) => ({ stack, alarm })));
    expect(alarms.length).toBeGreaterThan(0);
    for (const { stack, alarm } of alarms) {
      const dimensions = (alarm.dimensions ?? {}) as Record<string, string>;
      expect(Object.keys(dimensions).length).toBeGreaterThan(0);
      if (alarm.namespace === 'AWS/SQS') {
        const queue = target(stack, dimensions.QueueName);
        expect({ alarm: alarm.alarm_name, queue: queue?.name }).toEqual({ alarm: alarm.alarm_name, queue: expect.any(String) });
        if (drained.has(String(queue!.name))) expect({ alarm: alarm.alarm_name, metric: alarm.metric_name }).not.toEqual({ alarm: alarm.alarm_name, metric: 'ApproximateNumberOfMessagesVisible' });
      }
      for (const value of Object.values(dimensions)) {
        if (value.startsWith('${')) expect({ alarm: alarm.alarm_name, dimension: value, found: Boolean(target(stack, value)) }).toEqual({ alarm: alarm.alarm_name, dimension: value, found: true });
      }
      if (alarm.namespace === 'AWS/Lambda') {
        const names = resourcesOf(stack, 'aws_lambda_function').map((f) => f.function_name);
        expect(names).toContain(dimensions.FunctionName);
      }
    }
  });

  it('no topic an alarm notifies uses an AWS-managed key, whose policy cannot admit cloudwatch.amazonaws.com', () => {
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    const notified = stacks.flatMap((stack) =>
      resourcesOf(stack, 'aws_cloudwatch_metric_alarm').flatMap((alarm) => ((alarm.alarm_actions ?? []) as string[]).map((action) => target(stack, action)!)),
    );
    expect(notified.length).toBeGreaterThan(0);
    for (const topic of notified) expect(String(topic.kms_master_key_id ?? '')).not.toMatch(/^alias\/aws\//);
  });

  it('every log group a service writes through log delivery is under /aws/vendedlogs/, so the account resource policy stays one entry', () => {
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html
    const delivered = stacks.flatMap((stack) => [
      ...resourcesOf(stack, 'aws_apigatewayv2_stage').map((stage) => target(stack, (stage.access_log_settings as { destination_arn: string }).destination_arn)),
      ...resourcesOf(stack, 'aws_sfn_state_machine').map((machine) =>
        target(stack, (machine.logging_configuration as { log_destination: string }).log_destination.replace(/:\*$/, '')),
      ),
    ]);
    expect(delivered.length).toBeGreaterThan(0);
    for (const group of delivered) expect(String(group?.name)).toMatch(/^\/aws\/vendedlogs\//);
  });

  it('every customer-managed key keeps the default key policy, so the roles granted it in IAM can use it', () => {
    // Without a policy argument AWS applies the default key policy, which lets IAM policies of the account
    // grant use of the key: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
    const keys = stacks.flatMap((stack) => resourcesOf(stack, 'aws_kms_key'));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.policy).toBeUndefined();
  });
});
