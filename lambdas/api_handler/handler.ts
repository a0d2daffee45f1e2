import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { systemClock, type Clock } from '../shared/clock';
import { ValidationError } from '../shared/errors';
import { injectLambdaContext, type Logger } from '../shared/logger';
import { logMetrics, type Metrics } from '../shared/metrics';
import { orderView, parseOrder, parseOrderId, samePayload, submittedOrderId, type Order, type OrderRecord, type OrderStatus } from '../shared/order';
import type { OrderRepository } from '../shared/order-repository';
import { inspectJson } from './json-body';
import { bodyBytes, header, isJsonContentType, json, problem, RequestError, type HttpResponse } from './http';
import { countSubmission } from './submission-metrics';
import type { OrderWorkflow } from './workflow-client';

/** Orders are three short fields; anything near this size is not an order. */
export const MAX_BODY_BYTES = 16 * 1024;
/** An order is one flat object; nesting beyond this is refused before it reaches the workflow. */
export const MAX_JSON_DEPTH = 32;

export interface ApiHandlerDeps {
  readonly workflow: OrderWorkflow;
  /** When a submission arrived, to tell a repeat of an earlier order from one this request stored. */
  readonly clock?: Clock;
  readonly orders: Pick<OrderRepository, 'get'>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly maxBodyBytes?: number;
}

type Route = { name: 'orders' } | { name: 'order'; encodedId: string };

/** The response, the order it concerns, the outcome for the request log line and any invalid fields. */
type Routed = [HttpResponse, string | undefined, string, string[]?];

function matchRoute(path: string): Route | undefined {
  if (path === '/orders' || path === '/orders/') return { name: 'orders' };
  const match = /^\/orders\/([^/]+)\/?$/.exec(path);
  return match ? { name: 'order', encodedId: match[1]! } : undefined;
}

const SERVICE_UNAVAILABLE = problem(503, 'The order service is temporarily unavailable; retry the request', undefined, {
  'retry-after': '1',
});

function parseJsonBody(event: APIGatewayProxyEventV2, maxBodyBytes: number): unknown {
  if (!isJsonContentType(header(event, 'content-type'))) {
    throw new RequestError(
      problem(415, 'Unsupported content type', [{ field: 'content-type', message: 'must be application/json' }]),
    );
  }
  const bytes = bodyBytes(event);
  if (bytes.length > maxBodyBytes) {
    throw new RequestError(
      problem(413, 'Request body too large', [{ field: 'body', message: `must be at most ${maxBodyBytes} bytes` }]),
    );
  }
  let text: string;
  let parsed: unknown;
  try {
    // fatal: invalid UTF-8 is malformed input, not something to repair with U+FFFD.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes the input; the client gets a fixed one.
    throw new RequestError(problem(400, 'Malformed JSON', [{ field: 'body', message: 'is not valid JSON' }]));
  }
  const { duplicateKey, depth } = inspectJson(text);
  if (duplicateKey !== undefined) {
    const field = /^[A-Za-z0-9_]{1,64}$/.test(duplicateKey) ? duplicateKey : 'body';
    throw new RequestError(problem(400, 'Malformed JSON', [{ field, message: 'appears more than once' }]));
  }
  if (depth > MAX_JSON_DEPTH) {
    throw new RequestError(problem(400, 'Malformed JSON', [{ field: 'body', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }]));
  }
  return parsed;
}

/**
 * API Gateway HTTP API (payload 2.0) handler for POST /orders and GET /orders/{order_id}. Every
 * response is JSON; client mistakes are 4xx with the fields named; dependency failures are 502/503
 * and only when the order was not acknowledged; no internal message or stack reaches the client.
 */
export function createApiHandler({ workflow, orders, logger, metrics, clock = systemClock, maxBodyBytes = MAX_BODY_BYTES }: ApiHandlerDeps) {
  const CONFLICT = problem(409, 'An order with this order_id already exists with a different payload', [
    { field: 'order_id', message: 'is already used by a different order' },
  ]);
  const conflict = (orderId: string | undefined): Routed => [CONFLICT, orderId, 'conflict'];

  function acknowledge(orderId: string, status: OrderStatus, duplicate: boolean, outcome = duplicate ? 'duplicate' : 'accepted'): Routed {
    const location = { location: `/orders/${orderId}` };
    return duplicate
      ? [json(200, { order_id: orderId, status }, location), orderId, outcome]
      : [json(202, { order_id: orderId, status: 'PENDING' }, location), orderId, outcome];
  }

  /**
   * The acknowledged-order contract (README): the answer agrees with the table. When the workflow
   * failed or could not be reached, the order may still have been stored (the workflow failed after
   * StoreOrder, or the call timed out after the execution ran). If it is stored, it is acknowledged: the
   * pending sweeper enqueues a PENDING order whose message never left. An order found not stored gets
   * 502 (or 503 if the workflow could not be reached); if the lookup fails too, 503: the service cannot
   * tell, and a retry of the same request is safe either way.
   */
  async function acknowledgeIfStored(body: unknown, submittedAt: string): Promise<Routed | undefined> {
    let order: Order;
    try {
      order = parseOrder(body);
    } catch {
      return undefined;
    }
    let stored: OrderRecord | undefined;
    try {
      stored = await orders.get(order.order_id);
    } catch (error) {
      logger.error('order lookup failed', { order_id: order.order_id, error: (error as Error).name });
      return [SERVICE_UNAVAILABLE, order.order_id, 'unavailable'];
    }
    if (!stored) return undefined;
    if (!samePayload(stored, order)) return conflict(order.order_id);
    logger.warn('order stored but the workflow did not finish: the pending sweeper enqueues it', { order_id: order.order_id, status: stored.status });
    // Stored before this request arrived: a repeat of an earlier submission (200), as on the normal path.
    return acknowledge(order.order_id, stored.status, stored.created_at < submittedAt, 'stored-not-enqueued');
  }

  async function submitOrder(event: APIGatewayProxyEventV2): Promise<Routed> {
    const submittedAt = clock();
    const body = parseJsonBody(event, maxBodyBytes);
    // Whatever becomes of the submission, its lines name the order it names (when the id is one).
    const orderId = submittedOrderId(body);
    let outcome;
    try {
      outcome = await workflow.submit(body);
    } catch (error) {
      logger.error('workflow could not be started', { order_id: orderId, error: (error as Error).name });
      return (await acknowledgeIfStored(body, submittedAt)) ?? [SERVICE_UNAVAILABLE, orderId, 'unavailable'];
    }
    switch (outcome.kind) {
      case 'accepted':
        return acknowledge(outcome.orderId, outcome.status, outcome.duplicate);
      case 'invalid':
        return [problem(400, 'Invalid order', outcome.details), orderId, 'invalid', outcome.details.map((detail) => detail.field)];
      case 'conflict':
        return conflict(orderId);
      case 'failed':
        logger.error('workflow failed', { order_id: orderId, error: outcome.error, execution_arn: outcome.executionArn });
        return (await acknowledgeIfStored(body, submittedAt)) ?? [problem(502, 'The order could not be accepted; retry the request'), orderId, 'workflow-failed'];
    }
  }

  async function getOrder(encodedId: string): Promise<Routed> {
    let orderId: string;
    try {
      orderId = parseOrderId(decodeURIComponent(encodedId));
    } catch (error) {
      const details = error instanceof ValidationError ? [...error.details] : [{ field: 'order_id', message: 'is invalid' }];
      return [problem(400, 'Invalid order_id', details), undefined, 'invalid'];
    }
    let order: OrderRecord | undefined;
    try {
      order = await orders.get(orderId);
    } catch (error) {
      logger.error('order lookup failed', { order_id: orderId, error: (error as Error).name });
      return [SERVICE_UNAVAILABLE, orderId, 'unavailable'];
    }
    if (!order) return [problem(404, 'Order not found', [{ field: 'order_id', message: 'no such order' }]), orderId, 'not-found'];
    return [json(200, orderView(order)), orderId, 'found'];
  }

  async function route(event: APIGatewayProxyEventV2): Promise<Routed> {
    const method = event.requestContext.http.method.toUpperCase();
    const matched = matchRoute(event.rawPath);
    if (!matched) return [problem(404, 'Not found', [{ field: 'path', message: 'no such route' }]), undefined, 'no-route'];
    const allowed = matched.name === 'orders' ? 'POST' : 'GET';
    if (method !== allowed) {
      return [
        problem(405, 'Method not allowed', [{ field: 'method', message: `must be ${allowed}` }], { allow: allowed }),
        undefined,
        'bad-method',
      ];
    }
    return matched.name === 'orders' ? submitOrder(event) : getOrder(matched.encodedId);
  }

  async function handle(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
    const started = Date.now();
    let response: HttpResponse;
    let orderId: string | undefined;
    let outcome: string;
    let invalidFields: string[] | undefined;
    try {
      [response, orderId, outcome, invalidFields] = await route(event);
    } catch (error) {
      if (!(error instanceof RequestError)) {
        logger.error('unhandled error', { error: (error as Error)?.name ?? 'unknown' });
        response = problem(500, 'Internal error');
        outcome = 'error';
      } else {
        response = error.response;
        outcome = 'rejected';
      }
    }
    const routeName = matchRoute(event.rawPath)?.name ?? 'none';
    logger.info('request', {
      method: event.requestContext.http.method,
      route: routeName,
      status_code: response.statusCode,
      order_id: orderId,
      outcome,
      ...(invalidFields ? { invalid_fields: invalidFields } : {}),
      duration_ms: Date.now() - started,
    });
    if (routeName === 'orders' && event.requestContext.http.method.toUpperCase() === 'POST') countSubmission(metrics, response.statusCode);
    return response;
  }

  return injectLambdaContext(logger, logMetrics(metrics, handle), { correlationId: (event) => event.requestContext?.requestId });
}
