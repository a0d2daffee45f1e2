import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads a request body, refusing more than `limit` bytes instead of buffering without bound. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A request target that is not a path (absolute-form `http://host/x`, or `*`): API Gateway takes only paths. */
export class InvalidRequestTargetError extends Error {
  constructor(readonly target: string) {
    super(`request target ${JSON.stringify(target.slice(0, 100))} is not a path`);
    this.name = 'InvalidRequestTargetError';
  }
}

/**
 * The request's URL. The target is read as a path on this host: `new URL('//x', base)` would read `//x`
 * as a host name (and `//` alone throws), where a server reads an empty first path segment.
 */
export function requestUrl(req: IncomingMessage): URL {
  const target = req.url ?? '/';
  if (!target.startsWith('/')) throw new InvalidRequestTargetError(target);
  return new URL(`http://localhost${target}`);
}

export function sendJson(res: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * The operation of an AWS JSON-protocol request: `X-Amz-Target: AmazonSQS.SendMessage` -> SendMessage
 * ("unknown" without the header), as the request counts, the fault injector and the authorizer name it.
 */
export function operationOf(req: IncomingMessage): string {
  const target = String(req.headers['x-amz-target'] ?? 'unknown');
  return target.slice(target.lastIndexOf('.') + 1);
}

/**
 * Puts a check in front of a server's request listeners: `handle` answers the request itself, or calls
 * `pass` to let it reach them untouched. Checks put in later run first.
 */
export function interpose(server: Server, handle: (req: IncomingMessage, res: ServerResponse, pass: () => void) => void): void {
  const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) =>
    handle(req, res, () => {
      for (const listener of listeners) listener.call(server, req, res);
    }),
  );
}
