import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { HttpRequest, RestRouter } from '../../local/iam/api-call';

/**
 * Operation lookup for the REST-protocol services Terraform calls, so the IAM enforcer in front of moto
 * can authorize them. Lambda's routes come from botocore's service model (AWS's own API description,
 * installed with moto): the same method and URI templates the API reference documents.
 */
type Shape = { members?: Record<string, { location?: string; locationName?: string }> };
type Model = {
  operations: Record<string, { name: string; http: { method: string; requestUri: string }; input?: { shape: string } }>;
  shapes: Record<string, Shape>;
};

let botocoreDir: string | undefined;
function loadModel(service: string, version: string): Model {
  botocoreDir ??= execFileSync('python3', ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'], { encoding: 'utf8' }).trim();
  return JSON.parse(gunzipSync(readFileSync(join(botocoreDir, 'data', service, version, 'service-2.json.gz'))).toString('utf8')) as Model;
}

/** Wire name → member name of the input members carried in one part of the request (uri, querystring). */
function membersAt(shape: Shape | undefined, location: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(shape?.members ?? {})
      .filter(([, member]) => member.location === location)
      .map(([name, member]) => [member.locationName ?? name, name]),
  );
}

/** The JSON body of a request, or {} when it has none. */
function jsonBody(request: HttpRequest): Record<string, unknown> {
  const text = request.body.toString('utf8');
  return text.trim().startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {};
}

interface Route {
  readonly operation: string;
  readonly method: string;
  readonly pattern: RegExp;
  readonly labels: string[];
  readonly literalLength: number;
  readonly query: Record<string, string>;
}

/** A router over a restJson1 model: method + URI template → operation, with path, query and body parameters. */
export function modelRouter(service: string, version: string): RestRouter {
  const model = loadModel(service, version);
  const routes: Route[] = Object.values(model.operations).map((op) => {
    const [path] = op.http.requestUri.split('?');
    const labels: string[] = [];
    const source = path!.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, label: string) => {
      const greedy = label.endsWith('+');
      labels.push(greedy ? label.slice(0, -1) : label);
      return greedy ? '(.+)' : '([^/]+)';
    });
    const shape = op.input ? model.shapes[op.input.shape] : undefined;
    const query = membersAt(shape, 'querystring');
    const pathLabels = membersAt(shape, 'uri');
    return {
      operation: op.name,
      method: op.http.method,
      pattern: new RegExp(`^${source}/?$`),
      labels: labels.map((label) => pathLabels[label] ?? label),
      literalLength: path!.replace(/\{[^}]+\}/g, '').length,
      query,
    };
  });
  return (request: HttpRequest) => {
    const url = new URL(request.url, 'http://localhost');
    const candidates = routes
      .filter((route) => route.method === request.method && route.pattern.test(url.pathname))
      .sort((a, b) => b.literalLength - a.literalLength);
    const route = candidates[0];
    if (!route) return undefined;
    const values = route.pattern.exec(url.pathname)!.slice(1).map((v) => decodeURIComponent(v));
    const params: Record<string, unknown> = Object.fromEntries(route.labels.map((label, i) => [label, values[i]]));
    for (const [key, value] of url.searchParams) params[route.query[key] ?? key] = value;
    return { operation: route.operation, params: { ...params, ...jsonBody(request) }, protocol: 'rest-json' };
  };
}

/** API Gateway v2 management calls: IAM authorizes the HTTP method on the resource path (without /v2). */
export const apiGatewayRouter: RestRouter = (request) => {
  const url = new URL(request.url, 'http://localhost');
  return { operation: request.method, params: { path: decodeURIComponent(url.pathname.replace(/^\/v2/, '')), body: jsonBody(request) }, protocol: 'rest-json' };
};

/** S3 object and bucket calls of Terraform's S3 backend, path-style: /bucket/key. */
export const s3Router: RestRouter = (request) => {
  const url = new URL(request.url, 'http://localhost');
  const [, bucket, ...rest] = url.pathname.split('/');
  const key = rest.map(decodeURIComponent).join('/');
  const protocol = 'rest-xml' as const;
  if (key) {
    const operation = { GET: 'GetObject', HEAD: 'GetObject', PUT: 'PutObject', DELETE: 'DeleteObject' }[request.method];
    return operation ? { operation, params: { Bucket: bucket, Key: key }, protocol } : undefined;
  }
  if (request.method === 'GET' && (url.searchParams.has('list-type') || url.searchParams.has('prefix') || url.search === '')) {
    return { operation: 'ListBucket', params: { Bucket: bucket, prefix: url.searchParams.get('prefix') ?? '' }, protocol };
  }
  if (request.method === 'HEAD') return { operation: 'ListBucket', params: { Bucket: bucket }, protocol };
  return undefined;
};
