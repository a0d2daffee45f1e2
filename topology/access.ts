import type { FunctionKey } from './functions';
import { METRICS } from './metrics';
import { QUEUE_CONSUMERS } from './queues';
import { BY_STATUS_INDEX } from './tables';

/**
 * What each function and the state machine may do, declared once: the AWS actions on which resources,
 * and the environment variables that carry those resources' names to the handlers. The stack's IAM
 * policies and Lambda environments, the CI/CD permissions boundary, the local runtime's per-function
 * environments and its IAM enforcement, and the tests all derive from these declarations.
 */

/** The environment variables the handlers read. */
export const ENV = {
  ordersTable: 'ORDERS_TABLE',
  failedOrdersTable: 'FAILED_ORDERS_TABLE',
  orderQueueUrl: 'ORDER_QUEUE_URL',
  stateMachineArn: 'STATE_MACHINE_ARN',
  failureThreshold: 'FAILURE_THRESHOLD',
  pendingRedriveAfterSeconds: 'PENDING_REDRIVE_AFTER_SECONDS',
  /** The environment a function runs in (dev, prod, local): the `environment` dimension of its metrics (topology/metrics.ts). */
  environment: 'DOFS_ENVIRONMENT',
} as const;
export type EnvName = (typeof ENV)[keyof typeof ENV];

/** A resource of one environment, by its place in the topology (the stack and the runtime name it). */
export type ResourceRef =
  | { readonly kind: 'table'; readonly table: 'orders' | 'failed_orders'; readonly index?: string }
  | { readonly kind: 'queue'; readonly queue: 'order_queue' | 'order_dlq' }
  | { readonly kind: 'stateMachine' }
  | { readonly kind: 'function'; readonly function: FunctionKey };

export interface Access {
  /** The IAM statement id. */
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly ResourceRef[];
  /** The variable that names the (single) resource to the handler, and which identifier it carries. */
  readonly variable?: { readonly name: EnvName; readonly carries: 'name' | 'url' | 'arn' };
}

export interface FunctionDeclaration {
  readonly access: readonly Access[];
  /** Settings the stack sets from its configuration (not resources). */
  readonly settings: readonly EnvName[];
  /** Variables the handler reads when present, which no stack sets (a default applies). */
  readonly optional: readonly EnvName[];
}

const orders: ResourceRef = { kind: 'table', table: 'orders' };
const failedOrders: ResourceRef = { kind: 'table', table: 'failed_orders' };
const orderQueue: ResourceRef = { kind: 'queue', queue: 'order_queue' };

/** What a Lambda event source mapping needs, with its function's role, to drain a queue. */
export const QUEUE_CONSUMER_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'] as const;

const ordersTable = (actions: string[]): Access => ({ sid: 'OrdersTable', actions, resources: [orders], variable: { name: ENV.ordersTable, carries: 'name' } });

const DECLARED: Readonly<Record<FunctionKey, FunctionDeclaration>> = {
  api_handler: {
    access: [
      ordersTable(['dynamodb:GetItem']),
      { sid: 'StartOrderWorkflow', actions: ['states:StartSyncExecution'], resources: [{ kind: 'stateMachine' }], variable: { name: ENV.stateMachineArn, carries: 'arn' } },
    ],
    settings: [],
    optional: [],
  },
  validator: { access: [], settings: [], optional: [] },
  order_storage: { access: [ordersTable(['dynamodb:PutItem', 'dynamodb:GetItem'])], settings: [], optional: [] },
  fulfill_order: { access: [ordersTable(['dynamodb:UpdateItem'])], settings: [ENV.failureThreshold], optional: [] },
  dlq_handler: {
    access: [
      ordersTable(['dynamodb:GetItem', 'dynamodb:UpdateItem']),
      { sid: 'FailedOrdersTable', actions: ['dynamodb:PutItem'], resources: [failedOrders], variable: { name: ENV.failedOrdersTable, carries: 'name' } },
    ],
    settings: [],
    optional: [],
  },
  pending_sweeper: {
    access: [
      // Re-sent orders are marked, and one SQS refuses for good is marked FAILED (conditional UpdateItems),
      // with its failed_orders row.
      ordersTable(['dynamodb:UpdateItem']),
      { sid: 'FailedOrdersTable', actions: ['dynamodb:PutItem'], resources: [failedOrders], variable: { name: ENV.failedOrdersTable, carries: 'name' } },
      {
        sid: 'OrdersByStatusIndex',
        actions: ['dynamodb:Query'],
        resources: [{ kind: 'table', table: 'orders', index: BY_STATUS_INDEX.name }],
        variable: { name: ENV.ordersTable, carries: 'name' },
      },
      { sid: 'SendOrderQueue', actions: ['sqs:SendMessage'], resources: [orderQueue], variable: { name: ENV.orderQueueUrl, carries: 'url' } },
    ],
    settings: [],
    optional: [ENV.pendingRedriveAfterSeconds],
  },
};

const pascal = (text: string) => text.split(/[^A-Za-z0-9]+/).map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');

/** Each function's declaration, with the queue it consumes (QUEUE_CONSUMERS) added as its own access and DOFS_ENVIRONMENT as a setting where it emits metrics. */
export const FUNCTION_ACCESS: Readonly<Record<FunctionKey, FunctionDeclaration>> = Object.fromEntries(
  Object.entries(DECLARED).map(([key, declaration]) => {
    const consumed = QUEUE_CONSUMERS.filter((consumer) => consumer.consumer === key).map(
      (consumer): Access => ({
        sid: `Consume${pascal(consumer.queue.baseName)}`,
        actions: [...QUEUE_CONSUMER_ACTIONS],
        resources: [{ kind: 'queue', queue: consumer.queue.baseName as 'order_queue' | 'order_dlq' }],
      }),
    );
    // A function that emits metrics is told its environment, their `environment` dimension.
    const emitsMetrics = Object.values(METRICS).some((metric) => (metric.emittedBy as readonly string[]).includes(key));
    const settings = emitsMetrics ? [...declaration.settings, ENV.environment] : declaration.settings;
    return [key, { ...declaration, access: [...declaration.access, ...consumed], settings }];
  }),
) as unknown as Record<FunctionKey, FunctionDeclaration>;

/** The state machine: its two Lambda tasks and the enqueue (the SQS integration). */
export const STATE_MACHINE_ACCESS: readonly Access[] = [
  { sid: 'InvokeTasks', actions: ['lambda:InvokeFunction'], resources: [{ kind: 'function', function: 'validator' }, { kind: 'function', function: 'order_storage' }] },
  { sid: 'EnqueueOrders', actions: ['sqs:SendMessage'], resources: [orderQueue] },
];

/** Every variable a function's handler reads. */
export function variablesOf(key: FunctionKey): EnvName[] {
  const { access, settings, optional } = FUNCTION_ACCESS[key];
  const named = access.flatMap((entry) => (entry.variable ? [entry.variable.name] : []));
  return [...new Set([...named, ...settings, ...optional])].sort();
}

/** Every action any DOFS role is granted on its environment's resources, by service prefix. */
export function grantedActions(): Record<string, string[]> {
  const all = [...Object.values(FUNCTION_ACCESS).flatMap((d) => d.access), ...STATE_MACHINE_ACCESS].flatMap((entry) => entry.actions);
  const byService: Record<string, string[]> = {};
  for (const action of new Set(all)) (byService[action.split(':')[0]!] ??= []).push(action);
  for (const actions of Object.values(byService)) actions.sort();
  return byService;
}

/** How one environment names its resources: the ARNs a policy grants, and the identifiers variables carry. */
export interface ResourceResolver {
  arns(ref: ResourceRef): string[];
  identifier(ref: ResourceRef, carries: 'name' | 'url' | 'arn'): string;
}

/** An IAM statement as plain data (the stack renders it as aws_iam_policy_document, the runtime evaluates it). */
export interface PolicyStatement {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: readonly { readonly test: string; readonly variable: string; readonly values: readonly string[] }[];
}

export function statementsOf(access: readonly Access[], resolve: ResourceResolver): PolicyStatement[] {
  return access.map((entry) => ({ sid: entry.sid, actions: [...entry.actions], resources: entry.resources.flatMap((ref) => resolve.arns(ref)) }));
}

export function environmentOf(access: readonly Access[], resolve: ResourceResolver): Record<string, string> {
  return Object.fromEntries(access.flatMap((entry) => (entry.variable ? [[entry.variable.name, resolve.identifier(entry.resources[0]!, entry.variable.carries)]] : [])));
}
