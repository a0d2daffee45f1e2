import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Testing } from 'cdktf';
import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../app/build-app';
import { loadConfig } from '../../stacks/config';
import type { DofsStack } from '../../stacks/dofs-stack';
import { FUNCTION_ACCESS, variablesOf } from '../../topology/access';
import { ConfigurationError } from '../../topology/env';
import { FUNCTION_KEYS, type FunctionKey } from '../../topology/functions';
import { QUEUE_CONSUMERS } from '../../topology/queues';
import { WORKFLOW_STATES } from '../../topology/workflow';
import { resourcesOf, type TerraformJson } from '../support/synth';
import { alarmSeries, dashboardSeries, seriesKey } from './dashboard-series';

function synth(env: Record<string, string> = {}): { dev: string; prod: string; stacks: DofsStack[] } {
  const { stacks } = buildApp({ env });
  const [dev, prod] = stacks.map((stack) => Testing.synth(stack));
  return { dev: dev!, prod: prod!, stacks };
}

const { dev, prod } = synth();
const devJson = JSON.parse(dev) as TerraformJson;

describe('Stack: dofs-dev and dofs-prod', () => {
  it('names every resource after its environment and keeps the seed base names', () => {
    for (const [json, env] of [[dev, 'dev'], [prod, 'prod']] as const) {
      expect(json).toHaveResourceWithProperties(DynamodbTable, { name: `dofs-${env}-orders` });
      expect(json).toHaveResourceWithProperties(DynamodbTable, { name: `dofs-${env}-failed_orders` });
      expect(json).toHaveResourceWithProperties(SqsQueue, { name: `dofs-${env}-order_queue` });
      expect(json).toHaveResourceWithProperties(SqsQueue, { name: `dofs-${env}-order_dlq` });
    }
  });

  it('exposes the API URL, table names, queue URLs and state machine ARN as outputs', () => {
    expect(Object.keys(devJson.output ?? {}).sort()).toEqual(
      ['api_url', 'failed_orders_table', 'order_dlq_url', 'order_queue_url', 'orders_table', 'state_machine_arn'].sort(),
    );
  });
});

describe('Construct: OrderTables', () => {
  it('is on demand, encrypted and point-in-time recoverable, keyed by order_id', () => {
    expect(dev).toHaveResourceWithProperties(DynamodbTable, {
      name: 'dofs-dev-orders',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'order_id',
      attribute: [
        { name: 'order_id', type: 'S' },
        { name: 'status', type: 'S' },
        { name: 'updated_at', type: 'S' },
      ],
      global_secondary_index: [
        { name: 'by_status', hash_key: 'status', range_key: 'updated_at', projection_type: 'INCLUDE', non_key_attributes: ['item', 'quantity'] },
      ],
      server_side_encryption: { enabled: true },
      point_in_time_recovery: { enabled: true },
      deletion_protection_enabled: false,
    });
  });

  it('turns deletion protection on in prod only', () => {
    expect(prod).toHaveResourceWithProperties(DynamodbTable, { name: 'dofs-prod-orders', deletion_protection_enabled: true });
    expect(prod).toHaveResourceWithProperties(DynamodbTable, { name: 'dofs-prod-failed_orders', deletion_protection_enabled: true });
  });
});

describe('Construct: OrderQueues', () => {
  const queues = resourcesOf(devJson, 'aws_sqs_queue');
  const queue = queues.find((q) => q.name === 'dofs-dev-order_queue')!;
  const dlq = queues.find((q) => q.name === 'dofs-dev-order_dlq')!;

  it('encrypts both queues', () => {
    expect(queues.every((q) => q.sqs_managed_sse_enabled === true)).toBe(true);
  });

  it('redrives to the DLQ after 3 receives, with a visibility timeout of at least 6x the consumer timeout', () => {
    // The seed: a failed fulfillment is retried 3 times by SQS, then goes to order_dlq.
    expect(JSON.parse(String(queue.redrive_policy))).toEqual({ deadLetterTargetArn: expect.stringMatching(/^\$\{aws_sqs_queue\.queues_order_dlq_\w+\.arn\}$/), maxReceiveCount: 3 });
    // "Set the source queue's visibility timeout to at least six times the timeout that you configure
    // on your function": https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
    const timeoutOf = (name: string) => Number(resourcesOf(devJson, 'aws_lambda_function').find((fn) => fn.function_name === name)!.timeout);
    expect(Number(queue.visibility_timeout_seconds)).toBeGreaterThanOrEqual(6 * timeoutOf('dofs-dev-fulfill_order'));
    expect(Number(dlq.visibility_timeout_seconds)).toBeGreaterThanOrEqual(6 * timeoutOf('dofs-dev-dlq_handler'));
    // A failed order waits in the DLQ as long as SQS keeps anything: 14 days, its maximum.
    expect(dlq.message_retention_seconds).toBe(1_209_600);
  });

  it('lets only order_queue redrive into the DLQ', () => {
    const [allow] = resourcesOf(devJson, 'aws_sqs_queue_redrive_allow_policy');
    expect(JSON.parse(String(allow!.redrive_allow_policy))).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [expect.stringMatching(/^\$\{aws_sqs_queue\.queues_order_queue_\w+\.arn\}$/)],
    });
  });
});

describe('Construct: DofsFunction', () => {
  // Every variable the declaration (topology/access.ts) says the handler reads, but the optional ones
  // no stack sets; test/unit/handler-entrypoints.test.ts checks the handlers read exactly those.
  const expectedVariables = (key: FunctionKey) => variablesOf(key).filter((name) => !FUNCTION_ACCESS[key].optional.includes(name));

  it.each(FUNCTION_KEYS)('%s runs nodejs22.x on arm64 with tracing, its sizes, and only its variables', (key) => {
    const name = `dofs-dev-${key}`;
    expect(dev).toHaveResourceWithProperties(LambdaFunction, {
      function_name: name,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      timeout: expect.any(Number),
      memory_size: expect.any(Number),
      tracing_config: { mode: 'Active' },
      logging_config: { log_format: 'JSON', application_log_level: 'INFO', system_log_level: 'WARN' },
    });
    const fn = resourcesOf(devJson, 'aws_lambda_function').find((f) => f.function_name === name)!;
    // Lambda's limits: 1 s to 900 s, 128 MB to 10,240 MB (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
    expect(Number(fn.timeout)).toBeGreaterThanOrEqual(1);
    expect(Number(fn.timeout)).toBeLessThanOrEqual(900);
    expect(Number(fn.memory_size)).toBeGreaterThanOrEqual(128);
    expect(Number(fn.memory_size)).toBeLessThanOrEqual(10_240);
    const variables = (fn.environment as { variables: Record<string, string> } | undefined)?.variables ?? {};
    expect(Object.keys(variables).sort()).toEqual(expectedVariables(key));
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename as string}")}`);
    expect(fn.filename).toMatch(new RegExp(`^assets/.+/${key}\\.zip$`));
    expect(dev).toHaveResourceWithProperties(CloudwatchLogGroup, { name: `/aws/lambda/${name}`, retention_in_days: 14 });
  });

  it('zips bundles reproducibly: one readable index.mjs with a fixed timestamp, so an unchanged handler is not redeployed', () => {
    for (const key of FUNCTION_KEYS) {
      const zip = readFileSync(join('dist', 'lambdas', `${key}.zip`));
      expect(Object.keys(unzipSync(zip))).toEqual(['index.mjs']);
      expect(Buffer.from(unzipSync(zip)['index.mjs']!).equals(readFileSync(join('dist', 'lambdas', key, 'index.mjs')))).toBe(true);
      // Local file header: DOS time 00:00:00 and date 2000-01-01 at bytes 10-13.
      expect([zip.readUInt16LE(10), zip.readUInt16LE(12)]).toEqual([0, ((2000 - 1980) << 9) | (1 << 5) | 1]);
      // Central directory: made on Unix, mode 0644.
      const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      expect(zip[central + 5]).toBe(3);
      expect(zip.readUInt32LE(central + 38) >>> 16).toBe(0o100644);
    }
  });

  it('passes FAILURE_THRESHOLD and reserved concurrency from the configuration', () => {
    const { dev: custom } = synth({ DOFS_FAILURE_THRESHOLD: '0.0', DOFS_RESERVED_CONCURRENCY: 'fulfill_order=12' });
    expect(custom).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'dofs-dev-fulfill_order',
      environment: { variables: expect.objectContaining({ FAILURE_THRESHOLD: '0' }) },
      reserved_concurrent_executions: 12,
    });
  });
});

describe('Construct: event source mappings', () => {
  it('drain order_queue and order_dlq with partial batch failures and bounded concurrency', () => {
    expect(dev).toHaveResourceWithProperties(LambdaEventSourceMapping, {
      function_response_types: ['ReportBatchItemFailures'],
      batch_size: 10,
      scaling_config: { maximum_concurrency: 10 },
      event_source_arn: expect.stringMatching(/queues_order_queue_\w+\.arn/),
      function_name: expect.stringMatching(/fulfill_order_function_\w+\.arn/),
    });
    expect(dev).toHaveResourceWithProperties(LambdaEventSourceMapping, {
      function_response_types: ['ReportBatchItemFailures'],
      scaling_config: { maximum_concurrency: 2 },
      event_source_arn: expect.stringMatching(/queues_order_dlq_\w+\.arn/),
      function_name: expect.stringMatching(/dlq_handler_function_\w+\.arn/),
    });
  });
});

describe('Construct: OrderWorkflow', () => {
  const [machine] = resourcesOf(devJson, 'aws_sfn_state_machine');
  const definition = JSON.parse(String(machine!.definition)) as { TimeoutSeconds: number; States: Record<string, { Resource?: string; Parameters?: Record<string, string> }> };

  it('is an Express machine with error-level logging that leaves order data out, and tracing', () => {
    expect(dev).toHaveResourceWithProperties(SfnStateMachine, {
      name: 'dofs-dev-order-workflow',
      type: 'EXPRESS',
      logging_configuration: { level: 'ERROR', include_execution_data: false, log_destination: expect.stringMatching(/workflow_logs_\w+\.arn\}:\*$/) },
      tracing_configuration: { enabled: true },
    });
  });

  it('runs the shared definition against the deployed validator, order_storage and order_queue', () => {
    // An Express workflow runs at most 5 minutes (https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html).
    expect(definition.TimeoutSeconds).toBeGreaterThan(0);
    expect(definition.TimeoutSeconds).toBeLessThanOrEqual(300);
    expect(definition.States[WORKFLOW_STATES.validate]!.Resource).toMatch(/validator_function_\w+\.arn/);
    expect(definition.States[WORKFLOW_STATES.store]!.Resource).toMatch(/order_storage_function_\w+\.arn/);
    expect(definition.States[WORKFLOW_STATES.enqueue]!.Parameters!.QueueUrl).toMatch(/queues_order_queue_\w+\.url/);
  });

  it('does not reference api_handler, so there is no dependency cycle', () => {
    expect(String(machine!.definition)).not.toMatch(/api_handler/);
  });

  it('ends before api_handler, which waits for it, times out, and api_handler before the HTTP API does', () => {
    const apiHandler = resourcesOf(devJson, 'aws_lambda_function').find((fn) => fn.function_name === 'dofs-dev-api_handler')!;
    expect(Number(apiHandler.timeout)).toBeGreaterThan(definition.TimeoutSeconds);
    // HTTP APIs wait at most 30 s for an integration (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html).
    expect(Number(apiHandler.timeout)).toBeLessThanOrEqual(30);
  });
});

describe('Construct: OrderApi', () => {
  it('routes POST /orders, GET /orders/{order_id} and $default to api_handler with payload 2.0', () => {
    expect(dev).toHaveResourceWithProperties(Apigatewayv2Integration, { integration_type: 'AWS_PROXY', payload_format_version: '2.0' });
    for (const routeKey of ['POST /orders', 'GET /orders/{order_id}', '$default']) {
      expect(dev).toHaveResourceWithProperties(Apigatewayv2Route, { route_key: routeKey, authorization_type: 'NONE' });
    }
  });

  it('logs every request as JSON and throttles on the $default stage', () => {
    const [stage] = resourcesOf(devJson, 'aws_apigatewayv2_stage');
    expect(stage).toMatchObject({
      name: '$default',
      auto_deploy: true,
      default_route_settings: { throttling_rate_limit: 100, throttling_burst_limit: 200 },
    });
    const format = JSON.parse(String((stage!.access_log_settings as { format: string }).format)) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', routeKey: '$context.routeKey' });
    expect(stage!.access_log_settings).toMatchObject({ destination_arn: expect.stringMatching(/api_access_logs_\w+\.arn/) });
    expect(dev).toHaveResource(Apigatewayv2Stage);
  });

  it('lets only this API invoke api_handler', () => {
    expect(dev).toHaveResourceWithProperties(LambdaPermission, {
      principal: 'apigateway.amazonaws.com',
      action: 'lambda:InvokeFunction',
      source_arn: expect.stringMatching(/^\$\{aws_apigatewayv2_api\.api_\w+\.execution_arn\}\/\*\/\*$/),
    });
  });

  it('puts every route behind a JWT authorizer when one is configured', () => {
    const { dev: secured } = synth({ DOFS_COGNITO_USER_POOL_ID: 'us-east-1_Abc', DOFS_JWT_AUDIENCE: 'client-1' });
    expect(secured).toHaveResourceWithProperties(Apigatewayv2Authorizer, {
      authorizer_type: 'JWT',
      identity_sources: ['$request.header.Authorization'],
      jwt_configuration: { issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc', audience: ['client-1'] },
    });
    const routes = resourcesOf(JSON.parse(secured) as TerraformJson, 'aws_apigatewayv2_route');
    expect(routes.map((r) => r.authorization_type)).toEqual(['JWT', 'JWT', 'JWT']);
    expect(dev).not.toHaveResource(Apigatewayv2Authorizer);
  });
});

describe('Construct: PendingSweep', () => {
  it('runs the pending sweeper every 5 minutes, and only that rule may invoke it', () => {
    const [rule] = resourcesOf(devJson, 'aws_cloudwatch_event_rule');
    expect(rule).toMatchObject({ name: 'dofs-dev-pending-sweep', schedule_expression: 'rate(5 minutes)' });
    expect(resourcesOf(devJson, 'aws_cloudwatch_event_target')).toEqual([expect.objectContaining({ arn: expect.stringMatching(/pending_sweeper_function_\w+\.arn/) })]);
    const permission = resourcesOf(devJson, 'aws_lambda_permission').find((p) => p.principal === 'events.amazonaws.com');
    expect(permission).toMatchObject({ source_arn: expect.stringMatching(/aws_cloudwatch_event_rule\.pending_sweep_schedule_\w+\.arn/) });
  });
});

describe('Construct: Monitoring', () => {
  const alarms = resourcesOf(devJson, 'aws_cloudwatch_metric_alarm');

  it('alarms on orders failed, not accepted and late, the DLQ, queue age, every function\'s errors and throttles, the workflow and API 5xx', () => {
    const names = alarms.map((a) => a.alarm_name).sort();
    expect(names).toEqual(
      [
        'dofs-dev-orders-failed',
        'dofs-dev-orders-not-accepted-workflow-failed',
        'dofs-dev-orders-not-accepted-unavailable',
        'dofs-dev-order-fulfillment-time',
        'dofs-dev-orders-dead-lettered',
        'dofs-dev-order-queue-oldest-message',
        ...FUNCTION_KEYS.flatMap((key) => [`dofs-dev-${key}-errors`, `dofs-dev-${key}-throttles`]),
        'dofs-dev-workflow-timed-out-executions',
        'dofs-dev-api-5xx',
      ].sort(),
    );
    expect(alarms.find((a) => a.alarm_name === 'dofs-dev-orders-dead-lettered')).toMatchObject({
      namespace: 'AWS/SQS',
      metric_name: 'NumberOfMessagesReceived',
      statistic: 'Sum',
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
    });
    expect(alarms.every((a) => JSON.stringify(a.alarm_actions).includes('aws_sns_topic.monitoring_alarms'))).toBe(true);
  });

  it('charts each alarm\'s metric, with its dimensions and statistic, on one dashboard', () => {
    const charted = dashboardSeries(devJson).map(seriesKey);
    for (const alarm of alarms) expect({ alarm: alarm.alarm_name, charted: charted.includes(seriesKey(alarmSeries(alarm))) }).toEqual({ alarm: alarm.alarm_name, charted: true });
  });

  it('subscribes an e-mail address only when one is configured', () => {
    expect(dev).not.toHaveResource(SnsTopicSubscription);
    const { dev: withEmail } = synth({ DOFS_ALARM_EMAIL: 'ops@example.com' });
    expect(withEmail).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: 'email', endpoint: 'ops@example.com' });
  });
});

describe('Backend', () => {
  it('keeps local state in the project directory by a relative path by default', () => {
    expect(devJson.terraform.backend).toEqual({ local: { path: '../../../terraform.dofs-dev.tfstate' } });
  });

  it('uses S3 with native locking when a state bucket is configured', () => {
    const { dev: remote } = synth({ DOFS_STATE_BUCKET: 'my-tf-state', DOFS_STATE_REGION: 'ap-south-1' });
    expect((JSON.parse(remote) as TerraformJson).terraform.backend).toEqual({
      s3: { bucket: 'my-tf-state', key: 'dofs/dofs-dev/terraform.tfstate', region: 'ap-south-1', encrypt: true, use_lockfile: true },
    });
  });
});

describe('Configuration', () => {
  it('lists every problem at once, naming the variable', () => {
    let error: unknown;
    try {
      loadConfig('dev', { DOFS_FAILURE_THRESHOLD: '2', DOFS_LOG_RETENTION_DAYS: '10', DOFS_ALARM_EMAIL: 'nope', DOFS_RESERVED_CONCURRENCY: 'shipper=3' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems).toEqual([
      'DOFS_ALARM_EMAIL must be an e-mail address (got "nope")',
      'DOFS_FAILURE_THRESHOLD must be a number from 0.0 to 1.0 (got "2")',
      expect.stringMatching(/^DOFS_LOG_RETENTION_DAYS must be one of 1, 3, 5, 7, 14/),
      expect.stringMatching(/^DOFS_RESERVED_CONCURRENCY names an unknown function "shipper"/),
    ]);
  });

  it("refuses reserved concurrency below a queue consumer's mapping maximum, naming both (throttled receives count toward maxReceiveCount)", () => {
    for (const { consumer, queue, eventSource } of QUEUE_CONSUMERS) {
      const below = `${consumer}=${eventSource.maximumConcurrency - 1}`;
      expect(() => loadConfig('dev', { DOFS_RESERVED_CONCURRENCY: below })).toThrow(
        new RegExp(`for ${consumer} \\(${eventSource.maximumConcurrency - 1}\\) is below the maximum concurrency \\(${eventSource.maximumConcurrency}\\) of its ${queue.baseName} event source mapping`),
      );
      expect(loadConfig('dev', { DOFS_RESERVED_CONCURRENCY: `${consumer}=${eventSource.maximumConcurrency}` }).reservedConcurrency[consumer]).toBe(eventSource.maximumConcurrency);
    }
  });

  it('rejects an unknown environment and a half-configured authorizer', () => {
    expect(() => loadConfig('staging', {})).toThrow(/unknown environment "staging"/);
    expect(() => loadConfig('dev', { DOFS_JWT_ISSUER: 'https://issuer.example.com' })).toThrow(/needs DOFS_JWT_AUDIENCE/);
  });
});
