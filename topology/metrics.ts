import type { FunctionKey } from './functions';

/**
 * The business metrics: what the handlers emit (CloudWatch embedded metric format, through Powertools
 * Metrics), what the stacks alarm on and chart, and what the local runtime counts. Each is declared
 * once here, with the function that emits it and the outcome that moves it, so an alarm can only watch
 * a metric some handler emits (test/infra checks it) and a handler can only emit a declared one.
 *
 * Custom metrics are billed per metric per month, not per order; what an order costs is the bytes of
 * the EMF lines in CloudWatch Logs (bench/cost.ts counts them).
 */
export const METRICS_NAMESPACE = 'DOFS';

/** The dimension every metric carries, besides Powertools' own `service`: dev, prod, or local. */
export const ENVIRONMENT_DIMENSION = 'environment';

export type MetricUnit = 'Count' | 'Milliseconds';

export interface MetricDefinition {
  readonly name: string;
  readonly unit: MetricUnit;
  /** The functions that emit it. */
  readonly emittedBy: readonly FunctionKey[];
  /** A dimension it carries beyond environment and service, with the values it takes. */
  readonly dimension?: { readonly name: string; readonly values: readonly string[] };
  /** When it moves, in words (the dashboard's and the alarm's descriptions use it). */
  readonly meaning: string;
}

const define = <K extends string>(metrics: Record<K, MetricDefinition>) => metrics;

export const METRICS = define({
  ordersAccepted: {
    name: 'OrdersAccepted',
    unit: 'Count',
    emittedBy: ['api_handler'],
    meaning: 'a new order was stored and acknowledged (202)',
  },
  ordersDuplicated: {
    name: 'OrdersDuplicated',
    unit: 'Count',
    emittedBy: ['api_handler'],
    meaning: 'an order was submitted again with the same payload (200, nothing new stored)',
  },
  ordersRejected: {
    name: 'OrdersRejected',
    unit: 'Count',
    emittedBy: ['api_handler'],
    dimension: { name: 'reason', values: ['invalid', 'conflict'] },
    meaning: "the client's order was refused: invalid (400) or an order_id already used with another payload (409)",
  },
  ordersNotAccepted: {
    name: 'OrdersNotAccepted',
    unit: 'Count',
    emittedBy: ['api_handler'],
    dimension: { name: 'reason', values: ['workflow_failed', 'unavailable'] },
    meaning: 'a valid order could not be taken through no fault of the client (5xx): the workflow failed or a dependency was unavailable',
  },
  fulfillmentAttemptsFailed: {
    name: 'FulfillmentAttemptsFailed',
    unit: 'Count',
    emittedBy: ['fulfill_order'],
    meaning: 'a fulfillment attempt failed and SQS will deliver the order again (or move it to order_dlq)',
  },
  ordersFulfilled: {
    name: 'OrdersFulfilled',
    unit: 'Count',
    emittedBy: ['fulfill_order'],
    meaning: 'an order became FULFILLED',
  },
  ordersDeadLettered: {
    name: 'OrdersDeadLettered',
    unit: 'Count',
    emittedBy: ['dlq_handler'],
    meaning: 'an order reached order_dlq after its receives were used up',
  },
  ordersFailed: {
    name: 'OrdersFailed',
    unit: 'Count',
    emittedBy: ['dlq_handler', 'pending_sweeper'],
    meaning: 'an order became FAILED (dead-lettered, or refused by order_queue for good)',
  },
  ordersRedriven: {
    name: 'OrdersRedriven',
    unit: 'Count',
    emittedBy: ['pending_sweeper'],
    meaning: 'an order left PENDING without a message was sent to order_queue again',
  },
  // Two metrics rather than one with an outcome dimension: a dimensioned metric is printed on a line of
  // its own (lambdas/shared/metrics.ts), and that line would be a second EMF line for every order.
  timeToFulfilled: {
    name: 'TimeToFulfilled',
    unit: 'Milliseconds',
    emittedBy: ['fulfill_order'],
    meaning: 'time from acceptance (created_at) to FULFILLED',
  },
  timeToFailed: {
    name: 'TimeToFailed',
    unit: 'Milliseconds',
    emittedBy: ['dlq_handler', 'pending_sweeper'],
    meaning: 'time from acceptance (created_at) to FAILED (dead-lettered, or refused by order_queue for good)',
  },
});

export type MetricKey = keyof typeof METRICS;

/** The objective the fulfillment-time alarm holds on TimeToFulfilled: 99 % of orders fulfilled within this long of acceptance. */
export const FULFILLMENT_OBJECTIVE = { percentile: 'p99', seconds: 300 } as const;
