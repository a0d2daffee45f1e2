import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as v from 'valibot';
import { FAILURE_THRESHOLD, FailureThresholdSchema } from '../topology/env';
import type { ConsoleAssets } from './console-assets';
import type { ConsoleFeed } from './console-feed';
import type { ExecutionHistory } from './executions';
import { InvalidFaultError, MAX_FAULTS, parseFaultSpec, type ActiveFault, type FaultSpec, type KnownOperations } from './faults';
import { BodyTooLargeError, InvalidRequestTargetError, readBody, requestUrl, sendJson } from './http-util';
import type { Journey } from './journey';
import { JOURNEY_PATH, sendJourney } from './journey-route';
import type { LocalFunction } from './lambda-host';
import { LOCAL_ACCOUNT } from './names';

/** API Gateway's own payload limit for HTTP APIs; the handler enforces the much smaller order limit. */
const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

// API Gateway passes these bodies as text and base64-encodes everything else.
const TEXT_CONTENT_TYPE = /^(text\/|application\/(json|[a-z0-9.+-]+\+json|xml|javascript|x-www-form-urlencoded))/i;

export function toEvent(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = requestUrl(req);
  // Payload 2.0: header names in lower case, repeated headers joined with commas, and the cookies in a
  // `cookies` array of their own rather than a header (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
  const headers: Record<string, string> = {};
  // headersDistinct keeps repeats apart (Node joins most with ", "; API Gateway with ",").
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values !== undefined && name !== 'cookie') headers[name] = values.join(',');
  }
  const cookies = (req.headersDistinct.cookie ?? []).flatMap((header) => header.split(';')).map((cookie) => cookie.trim()).filter(Boolean);
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = query[name] ? `${query[name]},${value}` : value;
  const isText = TEXT_CONTENT_TYPE.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

export interface GatewayOptions {
  readonly apiHandler: LocalFunction;
  readonly executions: ExecutionHistory;
  /** Emulator endpoints and resource names. */
  readonly describe: () => unknown;
  readonly stats: () => Promise<unknown>;
  readonly snapshot: () => Promise<unknown>;
  readonly feed: ConsoleFeed;
  readonly workflowGraph: unknown;
  readonly console: ConsoleAssets;
  readonly failureThreshold: { get(): number; set(value: number): Promise<void> };
  /** Adds a fault to the emulators, or clears them all; answers the faults now active. */
  readonly faults: (change?: { add?: FaultSpec; clear?: boolean }) => Promise<ActiveFault[]>;
  /** The operations a fault may name, per service. */
  readonly faultOperations: KnownOperations;
  /** An order's journey (local/journey.ts), or undefined for an order the runtime knows nothing of. */
  readonly journey: (orderId: string) => Promise<Journey | undefined>;
}

type LocalRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => unknown;

async function setFailureThreshold(req: IncomingMessage, res: ServerResponse, options: GatewayOptions) {
  let value: unknown;
  try {
    value = (JSON.parse((await readBody(req, 1024)).toString('utf8')) as { failure_threshold?: unknown }).failure_threshold;
  } catch {
    value = undefined;
  }
  const threshold = v.safeParse(FailureThresholdSchema, value);
  if (!threshold.success) {
    return sendJson(res, 400, {
      error: 'Invalid failure threshold',
      details: [{ field: 'failure_threshold', message: `must be ${FAILURE_THRESHOLD.expected}` }],
    });
  }
  await options.failureThreshold.set(threshold.output);
  sendJson(res, 200, { failure_threshold: options.failureThreshold.get() });
}

async function addFault(req: IncomingMessage, res: ServerResponse, options: GatewayOptions) {
  let spec: FaultSpec;
  try {
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, 1024)).toString('utf8'));
    } catch {
      body = undefined;
    }
    spec = parseFaultSpec(body, options.faultOperations);
  } catch (error) {
    if (!(error instanceof InvalidFaultError)) throw error;
    return sendJson(res, 400, { error: 'Invalid fault', details: error.details });
  }
  if ((await options.faults()).length >= MAX_FAULTS) {
    return sendJson(res, 400, { error: 'Invalid fault', details: [{ field: 'faults', message: `at most ${MAX_FAULTS} at once: DELETE /_local/faults clears them` }] });
  }
  sendJson(res, 201, { faults: await options.faults({ add: spec }) });
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function loopbackHost(value: string | undefined): boolean {
  if (!value) return false;
  try {
    return LOOPBACK.has(new URL(value.includes('://') ? value : `http://${value}`).hostname);
  } catch {
    return false;
  }
}

/**
 * The runtime's own controls (FAILURE_THRESHOLD, faults) change what every client sees, so they take
 * requests from this machine only: a loopback Host (which also defeats DNS rebinding), no foreign Origin,
 * and a JSON body (a cross-site form or text/plain POST needs no CORS preflight; JSON does, and gets none).
 * The problem named, or undefined when the request may proceed.
 */
function controlRequestProblem(req: IncomingMessage): { field: string; message: string } | undefined {
  if (!loopbackHost(req.headers.host)) return { field: 'host', message: 'must be localhost: the runtime is controlled from this machine only' };
  const origin = req.headers.origin;
  if (origin !== undefined && !loopbackHost(origin)) return { field: 'origin', message: 'must be a page served from localhost' };
  const hasBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
  if ((hasBody || req.method === 'POST' || req.method === 'PUT') && !isJson(req.headers['content-type'])) {
    return { field: 'content-type', message: 'must be application/json' };
  }
  return undefined;
}

const isJson = (value: string | undefined) => /^application\/json\s*(;|$)/i.test(value ?? '');

function localRoutes(options: GatewayOptions): Record<string, LocalRoute> {
  const { executions } = options;
  return {
    'GET /': (_req, res) => options.console.send(res, 'index.html'),
    'GET /console/app.js': (_req, res) => options.console.send(res, 'app.js'),
    'GET /console/app.css': (_req, res) => options.console.send(res, 'app.css'),
    'GET /health': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    'GET /_local/resources': (_req, res) => sendJson(res, 200, options.describe()),
    'GET /_local/stats': async (_req, res) => sendJson(res, 200, await options.stats()),
    'GET /_local/snapshot': async (_req, res) => sendJson(res, 200, await options.snapshot()),
    'GET /_local/events': (req, res) => options.feed.attach(req, res),
    'GET /_local/workflow': (_req, res) => sendJson(res, 200, options.workflowGraph),
    'GET /_local/failure-threshold': (_req, res) => sendJson(res, 200, { failure_threshold: options.failureThreshold.get() }),
    'PUT /_local/failure-threshold': (req, res) => setFailureThreshold(req, res, options),
    'GET /_local/faults': async (_req, res) => sendJson(res, 200, { faults: await options.faults() }),
    'POST /_local/faults': (req, res) => addFault(req, res, options),
    'DELETE /_local/faults': async (_req, res) => sendJson(res, 200, { faults: await options.faults({ clear: true }) }),
    'GET /_local/executions': (_req, res, url) =>
      sendJson(res, 200, { executions: executions.list(url.searchParams.get('order_id') ?? undefined) }),
  };
}

/**
 * The HTTP API on localhost: every route goes to api_handler with a payload 2.0 event (as a `$default`
 * route would), beside the runtime's own: the console at `/` (for a browser) and its live feed, GET /health,
 * GET /_local/executions[/{name}] (workflow runs and the states they passed), GET
 * /_local/orders/{order_id}/journey (an order's every step on one timeline), GET /_local/resources
 * (emulator endpoints and resource names), GET /_local/stats (requests, invocations and transitions so
 * far: what AWS would bill), GET /_local/snapshot, GET|PUT /_local/failure-threshold and
 * GET|POST|DELETE /_local/faults (emulator outages on demand).
 */
export function createGateway(options: GatewayOptions): Server {
  const routes = localRoutes(options);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // The runtime's own routes match the path as sent: URL parsing resolves dot segments, and
    // /orders/%2e%2e must stay the API's (a 400), not become the console at /.
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    try {
      const url = requestUrl(req);
      // The console is for browsers (they ask for text/html); to an API client `/` stays the API's 404.
      const forBrowser = rawPath !== '/' || /\btext\/html\b/.test(String(req.headers.accept ?? ''));
      const local = forBrowser ? routes[`${req.method} ${rawPath}`] : undefined;
      if (local && req.method !== 'GET') {
        const problem = controlRequestProblem(req);
        if (problem) return sendJson(res, 403, { error: 'Forbidden', details: [problem] });
      }
      if (local) return await local(req, res, url);
      if (req.method === 'GET' && rawPath.startsWith('/_local/executions/')) {
        const execution = options.executions.get(decodeURIComponent(rawPath.slice('/_local/executions/'.length)));
        return execution ? sendJson(res, 200, execution) : sendJson(res, 404, { error: 'Execution not found' });
      }
      const journey = req.method === 'GET' ? JOURNEY_PATH.exec(rawPath) : null;
      if (journey) return await sendJourney(res, journey[1]!, options.journey);
      const body = await readBody(req, API_GATEWAY_MAX_BODY_BYTES);
      const result = (await options.apiHandler.invoke(toEvent(req, body))) as APIGatewayProxyStructuredResultV2;
      const payload = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : Buffer.from(result.body ?? '', 'utf8');
      res.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string>), 'content-length': payload.length });
      res.end(payload);
    } catch (error) {
      if (error instanceof InvalidRequestTargetError) return sendJson(res, 400, { message: 'Bad Request', details: [{ field: 'path', message: error.message }] });
      if (error instanceof BodyTooLargeError) {
        return sendJson(res, 413, { message: 'Request Entity Too Large' }, { connection: 'close' });
      }
      // What API Gateway answers when the integration fails: no detail about why.
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
      else res.end();
    }
  };
  // Nothing waits for handle(): everything it does is inside its try, and a failure answers 400 or 500.
  return createServer((req, res) => void handle(req, res));
}
