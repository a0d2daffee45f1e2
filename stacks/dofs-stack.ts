import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { resolve } from 'node:path';
import { configureBackend } from '../platform/state-backend';
import { ENV, environmentOf, FUNCTION_ACCESS, STATE_MACHINE_ACCESS, statementsOf, type EnvName, type ResourceResolver } from '../topology/access';
import { FUNCTION_KEYS, type FunctionKey } from '../topology/functions';
import { PROJECT } from '../topology/names';
import { QUEUE_CONSUMERS } from '../topology/queues';
import { ORDERS_TABLE } from '../topology/tables';
import { OrderApi } from './api';
import type { DofsConfig } from './config';
import { queueEventSource } from './event-sources';
import { DofsFunction } from './function';
import { Monitoring } from './monitoring';
import { OrderQueues } from './queues';
import { PendingSweep } from './recovery';
import { OrderTables } from './tables';
import { OrderWorkflow } from './workflow';

export interface DofsStackOptions {
  readonly config: DofsConfig;
  /** Defaults to dist/lambdas under the working directory. */
  readonly bundleDir?: string;
}

/** One DOFS environment: API, the functions, workflow, tables, queues, event sources, recovery and monitoring. */
export class DofsStack extends TerraformStack {
  readonly api: OrderApi;
  readonly tables: OrderTables;
  readonly queues: OrderQueues;
  readonly workflow: OrderWorkflow;
  readonly functions: Record<FunctionKey, DofsFunction>;

  constructor(scope: Construct, id: string, { config, bundleDir = resolve('dist', 'lambdas') }: DofsStackOptions) {
    super(scope, id);
    const { environment } = config;
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { Project: PROJECT, Environment: environment, ManagedBy: 'cdktf' } }],
    });
    configureBackend(this, id, config.stateBackend);

    this.tables = new OrderTables(this, 'tables', { environment, deletionProtection: config.deletionProtection });
    this.queues = new OrderQueues(this, 'queues', { environment });
    const { orders, failedOrders } = this.tables;
    const { orderQueue, orderDlq } = this.queues;

    // Every resource a declaration (topology/access.ts) can name, as this stack's ARNs and identifiers.
    const functions: Partial<Record<FunctionKey, DofsFunction>> = {};
    const created = <T>(value: T | undefined, what: string): T => {
      if (value === undefined) throw new Error(`${what} is referenced before it is created`);
      return value;
    };
    const table = (ref: { table: string }) => (ref.table === ORDERS_TABLE.baseName ? orders : failedOrders);
    const queue = (ref: { queue: string }) => this.queues.byBaseName[ref.queue]!;
    const resolver: ResourceResolver = {
      arns: (ref) => {
        switch (ref.kind) {
          case 'table':
            return [ref.index ? `${table(ref).arn}/index/${ref.index}` : table(ref).arn];
          case 'queue':
            return [queue(ref).arn];
          case 'stateMachine':
            return [created(this.workflow, 'the state machine').stateMachine.arn];
          case 'function': {
            // A function and its versions and aliases.
            const { arn } = created(functions[ref.function], ref.function).fn;
            return [arn, `${arn}:*`];
          }
        }
      },
      identifier: (ref, carries) => {
        if (carries === 'arn') return resolver.arns(ref)[0]!;
        if (ref.kind === 'table') return table(ref).name;
        if (ref.kind === 'queue') return carries === 'url' ? queue(ref).url : queue(ref).name;
        throw new Error(`no ${carries} for a ${ref.kind}`);
      },
    };
    const settingValues: Partial<Record<EnvName, string>> = { [ENV.failureThreshold]: String(config.failureThreshold), [ENV.environment]: config.environment };

    const fn = (key: FunctionKey) => {
      const { access, settings } = FUNCTION_ACCESS[key];
      const variables = Object.fromEntries(settings.map((name) => [name, created(settingValues[name], `a value for ${name}`)]));
      return (functions[key] = new DofsFunction(this, key, {
        key,
        environment,
        bundleDir,
        logRetentionDays: config.logRetentionDays,
        reservedConcurrency: config.reservedConcurrency[key],
        statements: statementsOf(access, resolver),
        variables: { ...environmentOf(access, resolver), ...variables },
        permissionsBoundary: config.permissionsBoundaryArn,
      }));
    };

    const validator = fn('validator');
    const orderStorage = fn('order_storage');
    fn('fulfill_order');
    fn('dlq_handler');
    // The state machine needs only the task functions and the queue; api_handler comes after it.
    this.workflow = new OrderWorkflow(this, 'workflow', {
      environment,
      validator,
      orderStorage,
      orderQueue,
      statements: statementsOf(STATE_MACHINE_ACCESS, resolver),
      logRetentionDays: config.logRetentionDays,
      permissionsBoundary: config.permissionsBoundaryArn,
    });
    const apiHandler = fn('api_handler');
    const pendingSweeper = fn('pending_sweeper');
    new PendingSweep(this, 'pending_sweep', { environment, sweeper: pendingSweeper });
    this.functions = Object.fromEntries(FUNCTION_KEYS.map((key) => [key, created(functions[key], key)])) as Record<FunctionKey, DofsFunction>;

    for (const { queue, consumer, eventSource } of QUEUE_CONSUMERS) {
      queueEventSource(this, `${queue.baseName}_to_${consumer}`, this.queues.byBaseName[queue.baseName]!, this.functions[consumer], eventSource);
    }

    this.api = new OrderApi(this, 'api', {
      environment,
      handler: apiHandler,
      logRetentionDays: config.logRetentionDays,
      throttle: config.apiThrottle,
      authorizer: config.authorizer,
    });

    new Monitoring(this, 'monitoring', {
      environment,
      region: config.region,
      alarmEmail: config.alarmEmail,
      api: this.api.api,
      functions: Object.values(this.functions),
      stateMachine: this.workflow.stateMachine,
      orderQueue,
      orderDlq,
      oldestMessageAgeSeconds: config.oldestMessageAgeAlarmSeconds,
    });

    const output = (name: string, value: string, description: string) => new TerraformOutput(this, name, { value, description });
    output('api_url', this.api.url, 'Base URL of the order API: POST {api_url}/orders');
    output('orders_table', orders.name, 'DynamoDB orders table');
    output('failed_orders_table', failedOrders.name, 'DynamoDB failed_orders table');
    output('order_queue_url', orderQueue.url, 'SQS order_queue URL');
    output('order_dlq_url', orderDlq.url, 'SQS order_dlq URL');
    output('state_machine_arn', this.workflow.stateMachine.arn, 'Express order workflow ARN');
  }
}
