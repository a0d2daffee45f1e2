/**
 * `dofs get <order_id> --journey`: every step of one order on one timeline, from the local runtime's
 * GET /_local/orders/{order_id}/journey. A deployed stack has no such endpoint, and the CLI has no
 * CloudWatch Logs client, so there the command names the Logs Insights query that reads the same lines.
 */
import { describeProblems, ValidationError } from '../lambdas/shared/errors';
import { parseOrderId } from '../lambdas/shared/order';
import type { Journey, JourneyEvent } from '../local/journey';
import { FUNCTION_KEYS } from '../topology/functions';
import { ORDERS_TABLE } from '../topology/tables';
import { problemText } from './api';
import { NotSupportedError, OperationFailedError, UsageError } from './errors';
import { cell, table } from './output';
import { LocalTarget, type Target } from './target';

/** The fields the handlers log about an order, which the local journey reads too. */
const INSIGHTS_FIELDS = '@timestamp, function, message, outcome, status_code, duration_ms, receive_count, reason, error';

/** The functions' log groups, named from the orders table (dofs-dev-orders -> /aws/lambda/dofs-dev-<key>). */
export function functionLogGroups(ordersTable: string | undefined): string[] {
  const prefix = ordersTable?.endsWith(ORDERS_TABLE.baseName) ? ordersTable.slice(0, -ORDERS_TABLE.baseName.length) : 'dofs-<environment>-';
  return FUNCTION_KEYS.map((key) => `/aws/lambda/${prefix}${key}`);
}

/** The CloudWatch Logs Insights query over the functions' log groups that lists an order's lines, oldest first. */
export function insightsQuery(orderId: string): string {
  // An order_id is letters, digits, _ and - only (fetchJourney checks it first), so it needs no escaping.
  return `fields ${INSIGHTS_FIELDS} | filter order_id = "${orderId}" | sort @timestamp asc | limit 1000`;
}

function refuseOnAws(orderId: string, ordersTable: string | undefined): never {
  const groups = functionLogGroups(ordersTable).join(' ');
  throw new NotSupportedError(
    "An order's journey is assembled by the local runtime only (the CLI carries no CloudWatch Logs client).",
    `On a deployed stack, read the same lines with CloudWatch Logs Insights (the Express workflow logs no per-state data, so its states are not among them):\n` +
      `  aws logs start-query --log-group-names ${groups} --start-time $(($(date +%s) - 86400)) --end-time $(date +%s) --query-string '${insightsQuery(orderId)}'\n` +
      '  then `aws logs get-query-results --query-id <queryId>` until its status is Complete.',
  );
}

/** The journey from the local runtime; refused on a deployed stack with the query to run instead. */
export async function fetchJourney(target: Target, orderId: string): Promise<Journey> {
  if (!(target instanceof LocalTarget)) {
    // Checked as the runtime checks it, before it goes into a query.
    try {
      parseOrderId(orderId);
    } catch (error) {
      if (error instanceof ValidationError) throw new OperationFailedError(`Invalid order_id: ${describeProblems(error.details)}`);
      throw error;
    }
    const ordersTable = await target.open().then(
      (stores) => stores.resources.ordersTable,
      (error: unknown) => {
        // Only an API URL, no stack outputs: the query names the log groups with a placeholder.
        if (error instanceof UsageError) return undefined;
        throw error;
      },
    );
    refuseOnAws(orderId, ordersTable);
  }
  const response = await target.request('GET', `/_local/orders/${encodeURIComponent(orderId)}/journey`);
  if (response.status === 200) return response.body as unknown as Journey;
  if (response.status === 404 && response.body.error === 'Order not found') {
    throw new OperationFailedError(`No order ${orderId} in this runtime: no request, execution, log line or table row of it.`, 'List recent ones with `npx dofs list`.');
  }
  if (response.status === 404) {
    throw new UsageError(`${target.apiUrl} has no journey endpoint: it is not a DOFS local runtime, or one older than --journey.`, 'Restart it with `npm start` from this project.');
  }
  throw new OperationFailedError(`Could not read the journey of ${orderId}: ${problemText(response)}`);
}

const duration = (ms: number | undefined) => (ms === undefined ? '' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

function outcome(event: JourneyEvent): string {
  return event.status_code === undefined ? event.outcome : `${event.status_code} ${event.outcome}`;
}

/** The journey as lines: a heading, one row per event (times of day in UTC, seconds since the first), any notes. */
export function journeyLines(journey: Journey): string[] {
  const { order } = journey;
  const first = journey.events[0] ? Date.parse(journey.events[0].at) : 0;
  const heading = order
    ? `Order ${journey.order_id}: ${order.status}  (${order.item} x${order.quantity}, ${order.attempts} failed attempt(s)${order.failure_reason ? `: ${order.failure_reason}` : ''})`
    : `Order ${journey.order_id}: not stored`;
  const rows = journey.events.map((event) => [
    event.at.slice(11, 23),
    `+${((Date.parse(event.at) - first) / 1000).toFixed(3)}`,
    duration(event.duration_ms),
    event.source,
    // A workflow's states are indented under their execution.
    event.kind === 'state' ? `  ${event.step}` : event.step,
    outcome(event),
    cell(event.detail ?? '', 80),
  ]);
  return [
    heading,
    ...(journey.events[0] ? [`Times are UTC on ${journey.events[0].at.slice(0, 10)}; +S is seconds since the first event.`] : []),
    ...table(['TIME', '+S', 'TOOK', 'SOURCE', 'STEP', 'OUTCOME', 'DETAIL'], rows),
    ...journey.notes.map((note) => `Note: ${note}`),
  ];
}
