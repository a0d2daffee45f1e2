import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { createApiHandler, MAX_BODY_BYTES, MAX_JSON_DEPTH } from '../../lambdas/api_handler/handler';
import { inspectJson } from '../../lambdas/api_handler/json-body';
import { StepFunctionsOrderWorkflow, type WorkflowOutcome } from '../../lambdas/api_handler/workflow-client';
import type { OrderRecord } from '../../lambdas/shared/order';
import { apiEvent } from '../support/api-events';
import { apiHandlerFixture } from '../support/api-handler-fixture';
import { captureLogger } from '../support/logger';
import { testMetrics } from '../support/metrics';

const seedOrder = JSON.stringify({ order_id: 'order-123', item: 'laptop', quantity: 1 });

/** api_handler over a scripted workflow (and orders table, for the lookup after a failed workflow). */
const setup = (outcome?: WorkflowOutcome | Error, stored?: OrderRecord | Error) => apiHandlerFixture({ ...(outcome ? { outcome } : {}), ...(stored ? { stored } : {}) });

const bodyOf = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;

describe('api_handler: POST /orders', () => {
  it('answers 202 PENDING with a Location for a new order, passing the parsed body to the workflow', async () => {
    const { handler, submitted, lines } = setup();
    const response = await handler(apiEvent('POST', '/orders', { body: seedOrder }));
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ order_id: 'order-123', status: 'PENDING' });
    expect(response.headers).toMatchObject({ 'content-type': 'application/json', location: '/orders/order-123' });
    expect(submitted).toEqual([JSON.parse(seedOrder)]);
    expect(lines).toEqual([expect.objectContaining({ message: 'request', status_code: 202, order_id: 'order-123', outcome: 'accepted' })]);
  });

  it('answers 200 with the current status for a duplicate', async () => {
    const { handler } = setup({ kind: 'accepted', orderId: 'order-123', status: 'FULFILLED', duplicate: true });
    const response = await handler(apiEvent('POST', '/orders', { body: seedOrder }));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ order_id: 'order-123', status: 'FULFILLED' });
  });

  it('answers 400 naming every bad field when the workflow rejects the order, and logs the fields', async () => {
    const details = [{ field: 'quantity', message: 'must be at least 1' }];
    const { handler, lines } = setup({ kind: 'invalid', details });
    const response = await handler(apiEvent('POST', '/orders', { body: '{"order_id":"a","item":"b","quantity":0}' }));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({ error: 'Invalid order', details });
    expect(lines).toEqual([expect.objectContaining({ status_code: 400, outcome: 'invalid', invalid_fields: ['quantity'] })]);
  });

  it('answers 409 for a conflicting resubmission', async () => {
    const { handler } = setup({ kind: 'conflict' });
    const response = await handler(apiEvent('POST', '/orders', { body: seedOrder }));
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).details).toEqual([{ field: 'order_id', message: 'is already used by a different order' }]);
  });

  it('accepts a base64-encoded body and a JSON content type with parameters', async () => {
    const { handler, submitted } = setup();
    const response = await handler(
      apiEvent('POST', '/orders', { body: seedOrder, base64: true, headers: { 'content-type': 'application/json; charset=utf-8' } }),
    );
    expect(response.statusCode).toBe(202);
    expect(submitted).toHaveLength(1);
  });

  it.each([
    ['malformed JSON', { body: '{"order_id":' }, 400, 'Malformed JSON'],
    ['invalid UTF-8', { body: Buffer.from([0x7b, 0xff, 0x7d]).toString('base64'), raw64: true }, 400, 'Malformed JSON'],
    ['an empty body', {}, 400, 'Malformed JSON'],
    ['a form content type', { body: 'order_id=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'Unsupported content type'],
    ['no content type', { body: seedOrder, headers: { 'content-type': '' } }, 415, 'Unsupported content type'],
    ['a body over the limit', { body: JSON.stringify({ item: 'x'.repeat(MAX_BODY_BYTES) }) }, 413, 'Request body too large'],
  ])('rejects %s before starting the workflow', async (_, options, status, error) => {
    const { handler, submitted } = setup();
    const { raw64, ...eventOptions } = options as { raw64?: boolean; body?: string };
    const event = apiEvent('POST', '/orders', eventOptions);
    // Bytes that are not UTF-8 can only arrive base64-encoded.
    if (raw64) event.isBase64Encoded = true;
    const response = await handler(event);
    expect(response.statusCode).toBe(status);
    expect(bodyOf(response)).toMatchObject({ error });
    expect(submitted).toHaveLength(0);
  });

  it('answers 503 with Retry-After when the workflow cannot be started, without internal detail', async () => {
    const { handler } = setup(new Error('connect ECONNREFUSED 10.0.0.1:443'));
    const response = await handler(apiEvent('POST', '/orders', { body: seedOrder }));
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '1' });
    expect(response.body).not.toMatch(/ECONNREFUSED|10\.0\.0\.1/);
  });

  it('answers 502 when the workflow fails for a reason other than the order, and the order is not stored', async () => {
    const { handler } = setup({ kind: 'failed', error: 'States.Timeout' });
    const response = await handler(apiEvent('POST', '/orders', { body: seedOrder }));
    expect(response.statusCode).toBe(502);
    expect(response.body).not.toMatch(/States\.Timeout/);
  });

  describe('the acknowledged-order contract: the answer agrees with the table', () => {
    // The request arrives at 00:00:05 (setup's clock); an order created after it was stored by this request.
    const stored = (status: OrderRecord['status'], item = 'laptop', createdAt = '2026-01-01T00:00:06.000Z'): OrderRecord => ({
      order_id: 'order-123', item, quantity: 1, status, created_at: createdAt, updated_at: createdAt, attempts: 0,
    });

    it('acknowledges (202 PENDING) an order the workflow stored before it failed: the sweeper enqueues it', async () => {
      const { handler, lines } = setup({ kind: 'failed', error: 'SQS.ServiceUnavailable' }, stored('PENDING'));
      const response = await handler(apiEvent('POST', '/orders', { body: seedOrder }));
      expect(response.statusCode).toBe(202);
      expect(bodyOf(response)).toEqual({ order_id: 'order-123', status: 'PENDING' });
      expect(response.headers).toMatchObject({ location: '/orders/order-123' });
      expect(lines).toEqual([
        expect.objectContaining({ level: 'ERROR', message: 'workflow failed' }),
        expect.objectContaining({ level: 'WARN', message: 'order stored but the workflow did not finish: the pending sweeper enqueues it', order_id: 'order-123' }),
        expect.objectContaining({ message: 'request', status_code: 202, outcome: 'stored-not-enqueued' }),
      ]);
    });

    it('acknowledges a stored order when the workflow call itself failed (the execution ran, the answer was lost)', async () => {
      const { handler } = setup(new Error('socket hang up'), stored('PENDING'));
      expect((await handler(apiEvent('POST', '/orders', { body: seedOrder }))).statusCode).toBe(202);
    });

    it('answers 200 with the status when the stored order is an earlier submission\'s, as a repeat does', async () => {
      const { handler } = setup({ kind: 'failed', error: 'States.Timeout' }, stored('FULFILLED', 'laptop', '2026-01-01T00:00:00.000Z'));
      const response = await handler(apiEvent('POST', '/orders', { body: seedOrder }));
      expect(response.statusCode).toBe(200);
      expect(bodyOf(response)).toEqual({ order_id: 'order-123', status: 'FULFILLED' });
      const pending = setup({ kind: 'failed', error: 'States.Timeout' }, stored('PENDING', 'laptop', '2026-01-01T00:00:00.000Z'));
      expect(bodyOf(await pending.handler(apiEvent('POST', '/orders', { body: seedOrder })))).toEqual({ order_id: 'order-123', status: 'PENDING' });
    });

    it('answers 409 when the stored order under that id has another payload', async () => {
      const { handler } = setup({ kind: 'failed', error: 'States.Timeout' }, stored('PENDING', 'phone'));
      expect((await handler(apiEvent('POST', '/orders', { body: seedOrder }))).statusCode).toBe(409);
    });

    it('answers 503 when neither the workflow nor the table can say: a retry of the same request is safe', async () => {
      const { handler } = setup({ kind: 'failed', error: 'States.Timeout' }, Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
      const response = await handler(apiEvent('POST', '/orders', { body: seedOrder }));
      expect(response.statusCode).toBe(503);
      expect(response.headers).toMatchObject({ 'retry-after': '1' });
    });
  });
});

describe('api_handler: GET /orders/{order_id}', () => {
  const base: OrderRecord = {
    order_id: 'order-123',
    item: 'laptop',
    quantity: 1,
    status: 'FULFILLED',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:01.000Z',
    attempts: 0,
  };

  it('answers 200 with the order', async () => {
    const { handler } = setup(undefined, base);
    const response = await handler(apiEvent('GET', '/orders/order-123'));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      order_id: 'order-123',
      item: 'laptop',
      quantity: 1,
      status: 'FULFILLED',
      created_at: base.created_at,
      updated_at: base.updated_at,
    });
  });

  it('adds the reason and the number of attempts for a FAILED order', async () => {
    const { handler } = setup(undefined, { ...base, status: 'FAILED', attempts: 3, failure_reason: 'simulated', last_error: 'x' });
    const response = await handler(apiEvent('GET', '/orders/order-123'));
    expect(bodyOf(response)).toMatchObject({ status: 'FAILED', failure_reason: 'simulated', attempts: 3 });
    expect(bodyOf(response)).not.toHaveProperty('last_error');
  });

  it('answers 404 for an unknown order and 400 for an id that cannot exist', async () => {
    const { handler } = setup();
    expect((await handler(apiEvent('GET', '/orders/nope'))).statusCode).toBe(404);
    const invalid = await handler(apiEvent('GET', '/orders/a%20b'));
    expect(invalid.statusCode).toBe(400);
    expect(bodyOf(invalid).details).toEqual([{ field: 'order_id', message: expect.any(String) }]);
    expect((await handler(apiEvent('GET', '/orders/%E0%A4%A'))).statusCode).toBe(400);
  });

  it('answers 503 when the table cannot be read', async () => {
    const { handler } = setup(undefined, new Error('ProvisionedThroughputExceededException'));
    const response = await handler(apiEvent('GET', '/orders/order-123'));
    expect(response.statusCode).toBe(503);
  });
});

describe('api_handler: routing', () => {
  it.each([
    ['GET', '/', 404],
    ['GET', '/order', 404],
    ['GET', '/orders/a/b', 404],
    ['GET', '/orders', 405],
    ['PUT', '/orders', 405],
    ['DELETE', '/orders/order-1', 405],
    ['POST', '/orders/order-1', 405],
  ])('%s %s answers %i with a JSON error', async (method, path, status) => {
    const { handler, submitted } = setup();
    const response = await handler(apiEvent(method, path, { body: seedOrder }));
    expect(response.statusCode).toBe(status);
    expect(bodyOf(response)).toHaveProperty('error');
    expect(submitted).toHaveLength(0);
    if (status === 405) expect(response.headers).toHaveProperty('allow');
  });
});

describe('StepFunctionsOrderWorkflow: faults only the SDK can inject', () => {
  const sfn = mockClient(SFNClient);
  afterEach(() => sfn.reset());

  it('lets a throttled StartSyncExecution surface as 503, never as an accepted order', async () => {
    const throttled = new Error('Rate exceeded');
    throttled.name = 'ThrottlingException';
    sfn.on(StartSyncExecutionCommand).rejects(throttled);
    const workflow = new StepFunctionsOrderWorkflow(new SFNClient({ region: 'us-east-1' }), 'arn:aws:states:us-east-1:1:stateMachine:m');
    const { logger } = captureLogger();
    const handler = createApiHandler({ workflow, orders: { get: async () => undefined }, logger, metrics: testMetrics() });
    const response = await handler(apiEvent('POST', '/orders', { body: seedOrder }));
    expect(response.statusCode).toBe(503);
    expect(sfn.commandCalls(StartSyncExecutionCommand)).toHaveLength(1);
  });

  it('treats a timed-out execution as a failed workflow (502)', async () => {
    sfn.on(StartSyncExecutionCommand).resolves({ status: 'TIMED_OUT', executionArn: 'arn:x', startDate: new Date(), stopDate: new Date() });
    const workflow = new StepFunctionsOrderWorkflow(new SFNClient({ region: 'us-east-1' }), 'arn:aws:states:us-east-1:1:stateMachine:m');
    await expect(workflow.submit({})).resolves.toEqual({ kind: 'failed', error: 'TIMED_OUT', executionArn: 'arn:x' });
  });
});

describe('inspectJson', () => {
  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"order_id":"x","item":"y","quantity":1,"quantity":1000}', 'quantity'],
    ['{"a":{"b":1,"b":2}}', 'b'],
    ['{"a":[{"k":1},{"k":2}],"z":{"\\u0061":1,"a":2}}', 'a'],
    ['{"a":"{\\"a\\":1}","b":"a:"}', undefined],
    ['[{"a":1},{"a":1}]', undefined],
    ['{"a":1,"b":{"a":2}}', undefined],
  ])('%s has duplicate key %p', (text, expected) => {
    expect(inspectJson(text).duplicateKey).toBe(expected);
  });

  it('measures nesting', () => {
    expect(inspectJson('{"a":1}').depth).toBe(1);
    expect(inspectJson('{"a":[{"b":"[[["}]}').depth).toBe(3);
    expect(inspectJson('"x"').depth).toBe(0);
  });

  it('makes the API refuse deeply nested bodies before the workflow', async () => {
    const { handler, submitted } = setup();
    const response = await handler(apiEvent('POST', '/orders', { body: `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}` }));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({ error: 'Malformed JSON', details: [{ field: 'body', message: 'nests deeper than 32 levels' }] });
    expect(submitted).toHaveLength(0);
  });

  it('makes the API refuse an order with a duplicated key, naming it', async () => {
    const { handler, submitted } = setup();
    const response = await handler(apiEvent('POST', '/orders', { body: '{"order_id":"o-1","item":"pen","quantity":1,"quantity":1000}' }));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({ error: 'Malformed JSON', details: [{ field: 'quantity', message: 'appears more than once' }] });
    expect(submitted).toHaveLength(0);
  });
});
