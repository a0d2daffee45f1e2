import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createApiHandler, MAX_BODY_BYTES } from '../../lambdas/api_handler/handler';
import type { OrderRecord } from '../../lambdas/shared/order';
import { apiEvent } from '../support/api-events';
import { ACCEPTED, apiHandlerFixture, type ApiHandlerSetup } from '../support/api-handler-fixture';
import { awsError } from '../support/faults';
import { lambdaContext } from '../support/lambda-context';
import { captureLogger } from '../support/logger';
import { businessMetric, testMetrics, undeclaredFor, useEmfCapture, type EmittedMetric } from '../support/metrics';

const seedOrder = { order_id: 'order-123', item: 'laptop', quantity: 1 };
const post = (body: string, headers?: Record<string, string>) => apiEvent('POST', '/orders', { body, ...(headers ? { headers } : {}) });
const submitted = () => post(JSON.stringify(seedOrder));

/** The order under that id as the table holds it; stored after ARRIVED unless told otherwise (by this request). */
const stored = (overrides: Partial<OrderRecord> = {}): OrderRecord => ({
  ...seedOrder, status: 'PENDING', created_at: '2026-01-01T00:00:06.000Z', updated_at: '2026-01-01T00:00:06.000Z', attempts: 0, ...overrides,
});

const accepted = businessMetric('OrdersAccepted', 'Count', [1]);
const duplicated = businessMetric('OrdersDuplicated', 'Count', [1]);
const rejected = (reason: string) => businessMetric('OrdersRejected', 'Count', [1], { reason });
const notAccepted = (reason: string) => businessMetric('OrdersNotAccepted', 'Count', [1], { reason });

describe('api_handler: the business metric of each answer (EMF)', () => {
  const emf = useEmfCapture();

  it.each<[string, ApiHandlerSetup, APIGatewayProxyEventV2, number, EmittedMetric[]]>([
    ['a new order', {}, submitted(), 202, [accepted]],
    ['an order the failed workflow stored for this request (the sweeper enqueues it)', { outcome: { kind: 'failed', error: 'States.TaskFailed' }, stored: stored() }, submitted(), 202, [accepted]],
    ['a resubmission of the same order', { outcome: { ...ACCEPTED, duplicate: true, status: 'FULFILLED' } }, submitted(), 200, [duplicated]],
    ['a resubmission found stored after the workflow failed', { outcome: { kind: 'failed', error: 'States.Timeout' }, stored: stored({ created_at: '2026-01-01T00:00:00.000Z' }) }, submitted(), 200, [duplicated]],
    ['an order the workflow finds invalid', { outcome: { kind: 'invalid', details: [{ field: 'quantity', message: 'must be at least 1' }] } }, submitted(), 400, [rejected('invalid')]],
    ['a body that is not JSON', {}, post('{"order_id":'), 400, [rejected('invalid')]],
    ['a body over the limit', {}, post(JSON.stringify({ item: 'x'.repeat(MAX_BODY_BYTES) })), 413, [rejected('invalid')]],
    ['a body that is not declared JSON', {}, post(JSON.stringify(seedOrder), { 'content-type': 'text/plain' }), 415, [rejected('invalid')]],
    ['an order_id already used with another payload', { outcome: { kind: 'conflict' } }, submitted(), 409, [rejected('conflict')]],
    ['an order_id found stored with another payload after the workflow failed', { outcome: { kind: 'failed', error: 'States.Timeout' }, stored: stored({ item: 'phone' }) }, submitted(), 409, [rejected('conflict')]],
    ['a workflow that failed, the order not stored', { outcome: { kind: 'failed', error: 'States.TaskFailed' } }, submitted(), 502, [notAccepted('workflow_failed')]],
    ['a workflow that could not be started, the order not stored', { outcome: awsError('ThrottlingException') }, submitted(), 503, [notAccepted('unavailable')]],
    ['a failed workflow whose order the table cannot tell', { outcome: { kind: 'failed', error: 'States.Timeout' }, stored: awsError('ProvisionedThroughputExceededException') }, submitted(), 503, [notAccepted('unavailable')]],
  ])('counts %s once, and nothing else', async (_, setup, event, status, expected) => {
    const { handler } = apiHandlerFixture(setup);
    expect((await handler(event, lambdaContext('dofs-dev-api_handler'))).statusCode).toBe(status);
    expect(emf.emitted()).toEqual(expected);
    expect(undeclaredFor('api_handler', emf.emitted())).toEqual([]);
  });

  it('prints an order with a reason on a line of its own, so the reason is no other metric\'s dimension', async () => {
    const { handler } = apiHandlerFixture({ outcome: { kind: 'conflict' } });
    await handler(submitted());
    expect(emf.lines()).toHaveLength(1);
    expect(JSON.parse(emf.lines()[0]!)).toEqual({
      _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'DOFS', Dimensions: [['service', 'environment', 'reason']], Metrics: [{ Name: 'OrdersRejected', Unit: 'Count' }] }] },
      service: 'dofs',
      environment: 'test',
      reason: 'conflict',
      OrdersRejected: 1,
    });
  });

  it.each<[string, ApiHandlerSetup, APIGatewayProxyEventV2, number]>([
    ['GET of a stored order', { stored: stored() }, apiEvent('GET', '/orders/order-123'), 200],
    ['GET of an unknown order', {}, apiEvent('GET', '/orders/nope'), 404],
    ['GET of an id no order can have', {}, apiEvent('GET', '/orders/a%20b'), 400],
    ['GET when the table cannot be read', { stored: awsError('ProvisionedThroughputExceededException') }, apiEvent('GET', '/orders/order-123'), 503],
    ['a path that is no route', {}, apiEvent('POST', '/order', { body: JSON.stringify(seedOrder) }), 404],
    ['a method the route does not take', {}, apiEvent('GET', '/orders'), 405],
    ['a fault of its own (500, no dependency at fault)', { clock: () => { throw new RangeError('Invalid time value'); } }, submitted(), 500],
  ])('counts nothing for %s: no order was submitted, or the contract names no outcome for it', async (_, setup, event, status) => {
    const { handler } = apiHandlerFixture(setup);
    expect((await handler(event)).statusCode).toBe(status);
    expect(emf.lines()).toEqual([]);
  });

  it('counts each request of a warm function once: nothing is carried over to the next invocation', async () => {
    const { handler } = apiHandlerFixture();
    await handler(submitted());
    await handler(apiEvent('GET', '/orders/nope'));
    await handler(submitted());
    expect(emf.emitted()).toEqual([accepted, accepted]);
  });
});

describe('api_handler: what every log line carries', () => {
  useEmfCapture();

  it('carries the Lambda request id and the cold-start flag: true on the first invocation of an environment only', async () => {
    const { handler, lines } = apiHandlerFixture();
    await handler(submitted(), lambdaContext('dofs-dev-api_handler', 'request-1'));
    await handler(apiEvent('GET', '/orders/order-123'), lambdaContext('dofs-dev-api_handler', 'request-2'));
    expect(lines).toEqual([
      expect.objectContaining({ message: 'request', function_request_id: 'request-1', cold_start: true }),
      expect.objectContaining({ message: 'request', function_request_id: 'request-2', cold_start: false }),
    ]);
    // The context keys CloudWatch already knows are left out (lambdas/shared/log-formatter.ts).
    for (const key of ['function_arn', 'function_name', 'function_memory_size', 'sampling_rate', 'xray_trace_id']) expect(lines[0]).not.toHaveProperty(key);
  });

  it('carries API Gateway\'s request id as correlation_id on every line, and only during that request', async () => {
    const { handler, lines } = apiHandlerFixture({ outcome: { kind: 'failed', error: 'States.TaskFailed' }, stored: stored() });
    const first = submitted();
    first.requestContext.requestId = 'api-request-1';
    await handler(first, lambdaContext('dofs-dev-api_handler', 'request-1'));
    const second = apiEvent('GET', '/orders/order-123');
    second.requestContext.requestId = 'api-request-2';
    await handler(second, lambdaContext('dofs-dev-api_handler', 'request-2'));
    // The failed workflow's request writes three lines, the GET one.
    expect(lines.map((line) => [line.function_request_id, line.correlation_id])).toEqual([
      ['request-1', 'api-request-1'],
      ['request-1', 'api-request-1'],
      ['request-1', 'api-request-1'],
      ['request-2', 'api-request-2'],
    ]);
  });

  it('leaves no key of a request on the logger once it is answered: the next invocation starts clean', async () => {
    const { logger, lines } = captureLogger();
    const handler = createApiHandler({ workflow: { submit: async () => ACCEPTED }, orders: { get: async () => undefined }, logger, metrics: testMetrics() });
    await handler(submitted(), lambdaContext('dofs-dev-api_handler'));
    logger.info('between invocations');
    expect(lines.map((line) => line.correlation_id)).toEqual(['req-1', undefined]);
  });

  it('names the order on every line about it, from the first line of a submission to its answer', async () => {
    const { handler, lines } = apiHandlerFixture({ outcome: { kind: 'failed', error: 'States.TaskFailed' }, stored: stored() });
    await handler(submitted(), lambdaContext('dofs-dev-api_handler'));
    expect(lines.map((line) => line.message)).toEqual(['workflow failed', 'order stored but the workflow did not finish: the pending sweeper enqueues it', 'request']);
    for (const line of lines) expect(line).toMatchObject({ order_id: 'order-123' });
  });

  it.each<[string, ApiHandlerSetup]>([
    ['refused as invalid', { outcome: { kind: 'invalid', details: [{ field: 'quantity', message: 'must be at least 1' }] } }],
    ['refused as a conflict', { outcome: { kind: 'conflict' } }],
    ['not accepted: the workflow failed', { outcome: { kind: 'failed', error: 'States.TaskFailed' } }],
    ['not accepted: the workflow was unreachable', { outcome: awsError('ThrottlingException') }],
  ])('names the order a submission %s names, on each of its lines', async (_, setup) => {
    const { handler, lines } = apiHandlerFixture(setup);
    await handler(submitted());
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatchObject({ order_id: 'order-123' });
  });

  it('names no order when the submission names none an order could have', async () => {
    const { handler, requestLine } = apiHandlerFixture({ outcome: { kind: 'invalid', details: [{ field: 'order_id', message: 'may contain only letters, digits, "_" and "-"' }] } });
    await handler(post(JSON.stringify({ ...seedOrder, order_id: 'not an id' })));
    expect(requestLine()).not.toHaveProperty('order_id');
  });
});
