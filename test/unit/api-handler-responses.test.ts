import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from '../../lambdas/api_handler/handler';
import { RequestError, type HttpResponse } from '../../lambdas/api_handler/http';
import { inspectJson } from '../../lambdas/api_handler/json-body';
import type { Clock } from '../../lambdas/shared/clock';
import type { OrderRecord } from '../../lambdas/shared/order';
import { apiEvent } from '../support/api-events';
import { ACCEPTED, apiHandlerFixture, ARRIVED, type ApiHandlerSetup } from '../support/api-handler-fixture';
import { awsError } from '../support/faults';
import type { CapturedLine } from '../support/logger';

/**
 * The API's answers as the README's API section specifies them: every response JSON, errors as
 * {"error","details":[{"field","message"}]} naming the field at fault, 5xx without internal detail, and
 * one request log line that tells the outcomes apart.
 */
const seedOrder = { order_id: 'order-123', item: 'laptop', quantity: 1 };

const setup = apiHandlerFixture;

const post = (body: string, headers?: Record<string, string>) => apiEvent('POST', '/orders', { body, ...(headers ? { headers } : {}) });
const bodyOf = (response: HttpResponse) => JSON.parse(response.body) as { error?: unknown; details?: unknown };

/** An error response as the README specifies it: a message, and the fields at fault when there are any. */
function expectProblem(response: HttpResponse, status: number, fields?: string[]): void {
  expect(response.statusCode).toBe(status);
  expect(response.headers).toMatchObject({ 'content-type': 'application/json' });
  const body = bodyOf(response);
  expect(body.error).toEqual(expect.stringMatching(/\w{3,}/));
  if (fields) expect(body.details).toEqual(fields.map((field) => ({ field, message: expect.stringMatching(/\w{2,}/) })));
  else expect(body).toEqual({ error: body.error });
}

const stored = (overrides: Partial<OrderRecord> = {}): OrderRecord => ({
  ...seedOrder,
  status: 'PENDING',
  created_at: ARRIVED,
  updated_at: ARRIVED,
  attempts: 0,
  ...overrides,
});

describe('api_handler: response headers', () => {
  it('marks every answer as JSON that no cache keeps and no browser sniffs (RFC 9111 no-store; Fetch: nosniff)', async () => {
    const { handler } = setup();
    for (const response of [await handler(post(JSON.stringify(seedOrder))), await handler(apiEvent('GET', '/nowhere'))]) {
      expect(response.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    }
  });
});

describe('api_handler: routes', () => {
  it('takes POST /orders with or without a trailing slash', async () => {
    const { handler, submitted } = setup();
    expect((await handler(apiEvent('POST', '/orders/', { body: JSON.stringify(seedOrder) }))).statusCode).toBe(202);
    expect(submitted).toHaveLength(1);
  });

  it('takes GET /orders/{order_id} with or without a trailing slash', async () => {
    const { handler, lookedUp } = setup({ stored: stored() });
    expect((await handler(apiEvent('GET', '/orders/order-123/'))).statusCode).toBe(200);
    expect(lookedUp).toEqual(['order-123']);
  });

  it.each(['/x/orders/order-1', '/orders/order-1/items', '/orders/order-1/x/'])('answers %s with 404 naming the path, looking nothing up', async (path) => {
    const { handler, lookedUp, requestLine } = setup({ stored: stored() });
    expectProblem(await handler(apiEvent('GET', path)), 404, ['path']);
    expect(lookedUp).toEqual([]);
    expect(requestLine()).toMatchObject({ status_code: 404, outcome: expect.stringMatching(/^[a-z-]+$/) });
  });

  it.each([
    ['PUT', '/orders', 'POST'],
    ['GET', '/orders', 'POST'],
    ['POST', '/orders/order-1', 'GET'],
    ['DELETE', '/orders/order-1', 'GET'],
  ])('answers %s %s with 405, Allow: %s, naming the method', async (method, path, allowed) => {
    const { handler, requestLine } = setup();
    const response = await handler(apiEvent(method, path, { body: JSON.stringify(seedOrder) }));
    expect(requestLine()).toMatchObject({ status_code: 405, outcome: expect.stringMatching(/^[a-z-]+$/) });
    expectProblem(response, 405, ['method']);
    expect(response.headers).toMatchObject({ allow: allowed });
    expect(JSON.stringify(bodyOf(response).details)).toContain(allowed);
  });

  it('accepts the method in any case, as HTTP method tokens are compared by API Gateway', async () => {
    const { handler } = setup();
    expect((await handler(apiEvent('post', '/orders', { body: JSON.stringify(seedOrder) }))).statusCode).toBe(202);
  });

  it('logs which route a request took, and that it took none', async () => {
    const { handler, lines } = setup({ stored: stored() });
    await handler(post(JSON.stringify(seedOrder)));
    await handler(apiEvent('GET', '/orders/order-123'));
    await handler(apiEvent('GET', '/elsewhere'));
    const routes = lines.filter((line) => line.message === 'request').map((line) => line.route);
    expect(routes.every((route) => typeof route === 'string' && route.length > 0)).toBe(true);
    expect(new Set(routes).size).toBe(3);
  });
});

describe('api_handler: reading the body of POST /orders', () => {
  it('refuses a content type other than JSON with 415 naming content-type', async () => {
    const { handler, submitted, requestLine } = setup();
    expectProblem(await handler(post(JSON.stringify(seedOrder), { 'content-type': 'text/plain' })), 415, ['content-type']);
    expect(submitted).toEqual([]);
    expect(requestLine()).toMatchObject({ status_code: 415 });
  });

  it.each([
    ['application/json', true],
    ['Application/JSON', true],
    ['application/json; charset=utf-8', true],
    ['application/json ; charset=utf-8', true],
    ['application/vnd.api+json', true],
    ['application/merge-patch+json', true],
    ['text/plain', false],
    ['application/jsonp', false],
    ['application/x+json5', false],
    ['text/application/vnd+json', false],
    ['application/+json', false],
  ])('treats Content-Type %s as JSON: %s', async (contentType, json) => {
    const { handler } = setup();
    const response = await handler(post(JSON.stringify(seedOrder), { 'content-type': contentType }));
    expect(response.statusCode).toBe(json ? 202 : 415);
  });

  it('refuses a request without any Content-Type header, or without headers at all', async () => {
    const { handler } = setup();
    const noContentType = post(JSON.stringify(seedOrder));
    delete noContentType.headers['content-type'];
    expectProblem(await handler(noContentType), 415, ['content-type']);
    const noHeaders = { ...post(JSON.stringify(seedOrder)), headers: undefined } as unknown as APIGatewayProxyEventV2;
    expectProblem(await handler(noHeaders), 415, ['content-type']);
  });

  it('takes a body of exactly 16 KiB and refuses one byte more with 413 naming the body (README: over 16 KiB)', async () => {
    const text = (size: number) => {
      const json = JSON.stringify(seedOrder);
      return json + ' '.repeat(size - json.length);
    };
    const { handler, submitted } = setup();
    expect(MAX_BODY_BYTES).toBe(16 * 1024);
    expect((await handler(post(text(16 * 1024)))).statusCode).toBe(202);
    const tooLarge = await handler(post(text(16 * 1024 + 1)));
    expectProblem(tooLarge, 413, ['body']);
    expect(JSON.stringify(bodyOf(tooLarge).details)).toContain('16384');
    expect(submitted).toHaveLength(1);
  });

  it('counts bytes, not characters', async () => {
    const { handler } = setup();
    // 5,462 three-byte characters: 16,386 bytes in fewer than 16,384 characters.
    const body = JSON.stringify({ ...seedOrder, item: '€'.repeat(5462) });
    expect(body.length).toBeLessThan(16 * 1024);
    expect((await handler(post(body))).statusCode).toBe(413);
  });

  it.each([
    ['text that is not JSON', '{"order_id":'],
    ['an empty body', ''],
  ])('refuses %s with 400 naming the body', async (_, body) => {
    const { handler, submitted } = setup();
    expectProblem(await handler(post(body)), 400, ['body']);
    expect(submitted).toEqual([]);
  });

  it('refuses a body API Gateway passes as null like an empty one', async () => {
    const { handler } = setup();
    const event = { ...post(''), body: null } as unknown as APIGatewayProxyEventV2;
    expectProblem(await handler(event), 400, ['body']);
  });

  it('refuses bytes that are not UTF-8 instead of repairing them, even inside a string', async () => {
    const { handler, submitted } = setup();
    const bytes = Buffer.concat([Buffer.from('{"order_id":"order-123","item":"lap'), Buffer.from([0xff]), Buffer.from('top","quantity":1}')]);
    const event = apiEvent('POST', '/orders', { body: bytes.toString('base64') });
    event.isBase64Encoded = true;
    expectProblem(await handler(event), 400, ['body']);
    expect(submitted).toEqual([]);
  });

  it('names a duplicated key only when it is a plain field name; anything else is the body', async () => {
    const { handler } = setup();
    const duplicated = async (key: string) => bodyOf(await handler(post(`{"${key}":1,"${key}":2}`))).details;
    expect(await duplicated('order_id')).toEqual([{ field: 'order_id', message: expect.any(String) }]);
    for (const key of ['-abc', 'abc-', 'a b', 'x'.repeat(65)]) expect(await duplicated(key)).toEqual([{ field: 'body', message: expect.any(String) }]);
    expect(await duplicated('x'.repeat(64))).toEqual([{ field: 'x'.repeat(64), message: expect.any(String) }]);
  });

  it(`takes JSON nested ${MAX_JSON_DEPTH} levels deep and refuses one level more`, async () => {
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const { handler, submitted } = setup({ outcome: { kind: 'invalid', details: [{ field: 'body', message: 'must be a JSON object' }] } });
    expect(bodyOf(await handler(post(nested(32)))).error).toBe('Invalid order');
    expect(submitted).toHaveLength(1);
    const tooDeep = await handler(post(nested(33)));
    expectProblem(tooDeep, 400, ['body']);
    expect(JSON.stringify(bodyOf(tooDeep).details)).toContain('32');
  });

  it('logs a refused request with its status and an outcome of its own', async () => {
    const refused = setup();
    await refused.handler(post('{', { 'content-type': 'application/json' }));
    const acceptedRequest = setup();
    await acceptedRequest.handler(post(JSON.stringify(seedOrder)));
    expect(refused.requestLine()).toMatchObject({ status_code: 400, outcome: expect.stringMatching(/\w/) });
    expect(refused.requestLine().outcome).not.toBe(acceptedRequest.requestLine().outcome);
  });
});

describe('api_handler: POST /orders outcomes', () => {
  const outcomeOf = async (options: ApiHandlerSetup) => {
    const { handler, requestLine } = setup(options);
    const response = await handler(post(JSON.stringify(seedOrder)));
    return { response, line: requestLine() };
  };

  it('logs a different outcome for each way a submission ends', async () => {
    const runs = await Promise.all([
      outcomeOf({}),
      outcomeOf({ outcome: { ...ACCEPTED, duplicate: true } }),
      outcomeOf({ outcome: { kind: 'conflict' } }),
      outcomeOf({ outcome: { kind: 'invalid', details: [{ field: 'item', message: 'is required' }] } }),
      outcomeOf({ outcome: { kind: 'failed', error: 'States.TaskFailed' } }),
      outcomeOf({ outcome: awsError('ThrottlingException') }),
      outcomeOf({ outcome: { kind: 'failed', error: 'States.TaskFailed' }, stored: stored({ created_at: '2026-01-01T00:00:06.000Z' }) }),
    ]);
    expect(runs.map((run) => run.response.statusCode)).toEqual([202, 200, 409, 400, 502, 503, 202]);
    const outcomes = runs.map((run) => run.line.outcome);
    for (const outcome of outcomes) expect(outcome).toMatch(/^[a-z-]+$/);
    expect(new Set(outcomes).size).toBe(outcomes.length);
    for (const run of runs) expect(run.line).toMatchObject({ status_code: run.response.statusCode });
  });

  it('answers 409 naming order_id for a conflict', async () => {
    const { response } = await outcomeOf({ outcome: { kind: 'conflict' } });
    expectProblem(response, 409, ['order_id']);
  });

  it('answers 502 without internal detail when the workflow failed and the order is not stored, logging the execution', async () => {
    const { handler, lines } = setup({ outcome: { kind: 'failed', error: 'States.TaskFailed', executionArn: 'arn:aws:states:us-east-1:1:express:m:e:x' } });
    const response = await handler(post(JSON.stringify(seedOrder)));
    expectProblem(response, 502);
    expect(response.body).not.toMatch(/States|arn:/);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', error: 'States.TaskFailed', execution_arn: 'arn:aws:states:us-east-1:1:express:m:e:x' }));
  });

  it('answers 503 with Retry-After when the workflow cannot be started, logging the error by name only', async () => {
    const unreachable = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { name: 'TimeoutError' });
    const { handler, lines } = setup({ outcome: unreachable });
    const response = await handler(post(JSON.stringify(seedOrder)));
    expectProblem(response, 503);
    expect(response.headers).toMatchObject({ 'retry-after': '1' });
    const errors = lines.filter((line) => line.level === 'ERROR');
    expect(errors).toEqual([expect.objectContaining({ error: 'TimeoutError' })]);
    expect(JSON.stringify(lines)).not.toContain('ECONNREFUSED');
    for (const line of lines) expect(line.message).toMatch(/\w{3,}/);
  });

  it('does not look an order up when the workflow could not be reached and the body is not an order', async () => {
    const { handler, lookedUp } = setup({ outcome: awsError('ThrottlingException'), stored: stored() });
    expectProblem(await handler(post('{"order_id":"order-123"}')), 503);
    expect(lookedUp).toEqual([]);
  });

  it('answers 503 when the lookup after a failed workflow fails too, logging which order and why', async () => {
    const { handler, lines, requestLine } = setup({ outcome: { kind: 'failed', error: 'States.Timeout' }, stored: awsError('ProvisionedThroughputExceededException') });
    const response = await handler(post(JSON.stringify(seedOrder)));
    expectProblem(response, 503);
    expect(response.headers).toMatchObject({ 'retry-after': '1' });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', order_id: 'order-123', error: 'ProvisionedThroughputExceededException' }));
    expect(requestLine()).toMatchObject({ order_id: 'order-123' });
    for (const line of lines) expect(line.message).toMatch(/\w{3,}/);
    const workflowUnreachable = await outcomeOf({ outcome: awsError('ThrottlingException') });
    expect(requestLine().outcome).toBe(workflowUnreachable.line.outcome);
  });

  it('acknowledges with 202 an order this request stored, even in the same millisecond it arrived', async () => {
    const { response } = await outcomeOf({ outcome: { kind: 'failed', error: 'States.Timeout' }, stored: stored({ created_at: ARRIVED }) });
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ order_id: 'order-123', status: 'PENDING' });
  });

  it('answers an order stored before this request arrived with 200 and its status', async () => {
    const { response } = await outcomeOf({ outcome: { kind: 'failed', error: 'States.Timeout' }, stored: stored({ created_at: '2026-01-01T00:00:04.999Z', status: 'FULFILLED' }) });
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ order_id: 'order-123', status: 'FULFILLED' });
  });
});

describe('api_handler: GET /orders/{order_id}', () => {
  it('shows the redrives of a redriven order and the failure they followed, FAILED or not', async () => {
    const redriven = stored({ status: 'PENDING', redrives: 2, last_failure: 'simulated failure', redriven_at: ARRIVED });
    const pending = setup({ stored: redriven });
    expect(bodyOf(await pending.handler(apiEvent('GET', '/orders/order-123')))).toEqual({
      order_id: 'order-123', item: 'laptop', quantity: 1, status: 'PENDING', created_at: ARRIVED, updated_at: ARRIVED, redrives: 2, last_failure: 'simulated failure',
    });
    const failedAgain = setup({ stored: { ...redriven, status: 'FAILED', failure_reason: 'again', attempts: 3 } });
    expect(bodyOf(await failedAgain.handler(apiEvent('GET', '/orders/order-123')))).toMatchObject({ status: 'FAILED', failure_reason: 'again', attempts: 3, redrives: 2, last_failure: 'simulated failure' });
  });

  it('answers 404 naming order_id for an unknown order, and 400 naming it for one that cannot exist', async () => {
    const { handler, lines } = setup();
    expectProblem(await handler(apiEvent('GET', '/orders/nope')), 404, ['order_id']);
    const invalid = await handler(apiEvent('GET', '/orders/a%20b'));
    expectProblem(invalid, 400, ['order_id']);
    expect(bodyOf(invalid).details).toEqual([{ field: 'order_id', message: 'may contain only letters, digits, "_" and "-"' }]);
    // Not even percent-decodable: still the order_id's fault.
    expectProblem(await handler(apiEvent('GET', '/orders/%E0%A4%A')), 400, ['order_id']);
    expect(bodyOf(invalid).error).not.toBe(bodyOf(await handler(post('{'))).error);
    const outcomes = lines.filter((line) => line.message === 'request').map((line) => line.outcome);
    for (const outcome of outcomes) expect(outcome).toMatch(/^[a-z-]+$/);
    expect(outcomes[0]).not.toBe(outcomes[1]);
  });

  it('logs a different outcome for a found order, a missing one and an unreadable table', async () => {
    const outcomes = [];
    for (const stored_ of [stored(), undefined, awsError('ProvisionedThroughputExceededException')]) {
      const { handler, requestLine } = setup({ stored: stored_ });
      await handler(apiEvent('GET', '/orders/order-123'));
      expect(requestLine()).toMatchObject({ order_id: 'order-123' });
      outcomes.push(requestLine().outcome);
    }
    for (const outcome of outcomes) expect(outcome).toMatch(/^[a-z-]+$/);
    expect(new Set(outcomes).size).toBe(3);
  });

  it('answers 503 with Retry-After when the table cannot be read, logging which order and why', async () => {
    const { handler, lines } = setup({ stored: awsError('ProvisionedThroughputExceededException') });
    const response = await handler(apiEvent('GET', '/orders/order-123'));
    expectProblem(response, 503);
    expect(response.headers).toMatchObject({ 'retry-after': '1' });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', order_id: 'order-123', error: 'ProvisionedThroughputExceededException' }));
    expect(lines.find((line) => line.level === 'ERROR')!.message).toMatch(/\w{3,}/);
  });
});

describe('api_handler: faults of its own', () => {
  const broken = (error: Error): Clock => () => {
    throw error;
  };

  it('answers 500 with no detail for an unexpected error, logging its name and nothing else', async () => {
    const { handler, lines, requestLine } = setup({ clock: broken(new RangeError('Invalid time value at 0x7f')) });
    const response = await handler(post(JSON.stringify(seedOrder)));
    expectProblem(response, 500);
    expect(response.body).not.toMatch(/Invalid time|0x7f/);
    const error: CapturedLine | undefined = lines.find((line) => line.level === 'ERROR');
    expect(error).toMatchObject({ error: 'RangeError' });
    expect(error?.message).toMatch(/\w{3,}/);
    expect(requestLine()).toMatchObject({ status_code: 500, outcome: expect.stringMatching(/^[a-z-]+$/) });
    const ordinary = setup();
    await ordinary.handler(post(JSON.stringify(seedOrder)));
    expect(requestLine().outcome).not.toBe(ordinary.requestLine().outcome);
  });

  it('logs an error without a name as unknown', async () => {
    const { handler, lines } = setup({ clock: broken(Object.assign(new Error('x'), { name: undefined })) });
    expect((await handler(post(JSON.stringify(seedOrder)))).statusCode).toBe(500);
    expect(lines.find((line) => line.level === 'ERROR')).toMatchObject({ error: expect.stringMatching(/^[a-z]+$/) });
  });

  it('logs how long the request took', async () => {
    const { handler, requestLine } = setup();
    await handler(post(JSON.stringify(seedOrder)));
    expect(requestLine().duration_ms).toEqual(expect.any(Number));
    expect(requestLine().duration_ms).toBeGreaterThanOrEqual(0);
    expect(requestLine().duration_ms).toBeLessThan(60_000);
  });

  it('RequestError carries the response it stands for, under its own name', () => {
    const response = { statusCode: 415, headers: {}, body: '{}' };
    const error = new RequestError(response);
    expect(error.response).toBe(response);
    expect(error.name).toBe(RequestError.name);
    expect(error.message).toContain('415');
  });
});

describe('inspectJson', () => {
  it.each([
    ['a key repeated after a nested object closed', '{"x":{"k":1},"k":2}', undefined],
    ['a key repeated after a nested array closed', '{"x":[1],"k":1,"k":2}', 'k'],
    ['the first of several duplicated keys', '{"a":1,"a":2,"b":1,"b":2}', 'a'],
    ['keys with space before the colon', '{"a" :1,"a"\t\n:2}', 'a'],
    ['a key holding an escaped quote', '{"q\\"":1,"q\\"":2}', 'q"'],
    ['values that repeat (values are not keys)', '{"a":"same","b":"same"}', undefined],
    ['strings in an array', '{"a":["k","k"]}', undefined],
  ])('finds %s', (_, text, expected) => {
    expect(inspectJson(text).duplicateKey).toBe(expected);
  });

  it('measures nesting by the deepest open scope, not by how many opened', () => {
    expect(inspectJson('[[],[],[]]').depth).toBe(2);
    expect(inspectJson('{"a":{},"b":{},"c":[]}').depth).toBe(2);
  });
});
