import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { ExecutionHistory } from './executions';
import { BodyTooLargeError, readBody, sendJson } from './http-util';
import type { LocalFunction } from './lambda-host';

/** API Gateway's own payload limit for HTTP APIs; the handler enforces the much smaller order limit. */
const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

// API Gateway passes these bodies as text and base64-encodes everything else.
const TEXT_CONTENT_TYPE = /^(text\/|application\/(json|[a-z0-9.+-]+\+json|xml|javascript|x-www-form-urlencoded))/i;

function toEvent(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = query[name] ? `${query[name]},${value}` : value;
  const isText = TEXT_CONTENT_TYPE.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
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

/**
 * The HTTP API on localhost: every route goes to api_handler with a payload 2.0 event (as a `$default`
 * route would), plus the runtime's own GET /health, GET /_local/executions[/{name}] (workflow runs and
 * the states they passed), GET /_local/resources (emulator endpoints and resource names) and
 * GET /_local/stats (requests, invocations and transitions so far: what AWS would bill).
 */
export function createGateway(apiHandler: LocalFunction, executions: ExecutionHistory, describe: () => unknown, stats: () => Promise<unknown>): Server {
  return createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    try {
      if (req.method === 'GET' && path === '/health') return sendJson(res, 200, { status: 'ok' });
      if (req.method === 'GET' && path === '/_local/resources') return sendJson(res, 200, describe());
      if (req.method === 'GET' && path === '/_local/stats') return sendJson(res, 200, await stats());
      if (req.method === 'GET' && path.startsWith('/_local/executions')) {
        const name = decodeURIComponent(path.slice('/_local/executions'.length).replace(/^\//, ''));
        if (!name) {
          const orderId = new URL(req.url ?? '/', 'http://localhost').searchParams.get('order_id') ?? undefined;
          return sendJson(res, 200, { executions: executions.list(orderId) });
        }
        const execution = executions.get(name);
        return execution ? sendJson(res, 200, execution) : sendJson(res, 404, { error: 'Execution not found' });
      }
      const body = await readBody(req, API_GATEWAY_MAX_BODY_BYTES);
      const result = (await apiHandler.invoke(toEvent(req, body))) as APIGatewayProxyStructuredResultV2;
      const payload = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : Buffer.from(result.body ?? '', 'utf8');
      res.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string>), 'content-length': payload.length });
      res.end(payload);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return sendJson(res, 413, { message: 'Request Entity Too Large' }, { connection: 'close' });
      }
      // What API Gateway answers when the integration fails: no detail about why.
      sendJson(res, 500, { message: 'Internal Server Error' });
    }
  });
}
