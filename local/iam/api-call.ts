/**
 * One AWS API call as it arrives over HTTP, decoded far enough to authorize it: who signed it (SigV4
 * credential scope), which service and operation, and its parameters. The wire protocols:
 * https://smithy.io/2.0/aws/protocols/index.html (awsJson1_0/1_1, awsQuery, restJson1, restXml).
 */
export type Protocol = 'json' | 'query' | 'rest-json' | 'rest-xml';

export interface ApiCall {
  readonly accessKeyId: string;
  /** The SigV4 signing name: dynamodb, sqs, monitoring, states, lambda, apigateway, s3, ... */
  readonly service: string;
  readonly region: string;
  readonly operation: string;
  readonly protocol: Protocol;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface HttpRequest {
  readonly method: string;
  /** Path and query string, as received. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** Finds the operation of a REST-protocol request (Lambda, API Gateway, S3), where the path names it. */
export type RestRouter = (request: HttpRequest) => { operation: string; params: Record<string, unknown>; protocol: Protocol } | undefined;

export class UndecodableRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndecodableRequestError';
  }
}

const header = (request: HttpRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Credential=AKID/20261125/us-east-1/dynamodb/aws4_request */
export function signer(request: HttpRequest): { accessKeyId: string; region: string; service: string } | undefined {
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(header(request, 'authorization') ?? '');
  return scope ? { accessKeyId: scope[1]!, region: scope[2]!, service: scope[3]! } : undefined;
}

export function decodeApiCall(request: HttpRequest, routers: Readonly<Record<string, RestRouter>> = {}): ApiCall {
  const signed = signer(request);
  if (!signed) throw new UndecodableRequestError(`unsigned request ${request.method} ${request.url}`);
  const target = header(request, 'x-amz-target');
  if (target) {
    const text = request.body.toString('utf8');
    return { ...signed, operation: target.slice(target.lastIndexOf('.') + 1), protocol: 'json', params: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
  const contentType = header(request, 'content-type') ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = Object.fromEntries(new URLSearchParams(request.body.toString('utf8')));
    if (form.Action) {
      const { Action, Version: _version, ...rest } = form;
      return { ...signed, operation: Action, protocol: 'query', params: unflattenQuery(rest) };
    }
  }
  const routed = routers[signed.service]?.(request);
  if (!routed) throw new UndecodableRequestError(`no operation found for ${signed.service} ${request.method} ${request.url}`);
  return { ...signed, ...routed };
}

/**
 * awsQuery parameters are flattened: Tags.member.1.Key=a&Tags.member.1.Value=b. This rebuilds the
 * structure: `member`/`entry` levels become arrays, numbered keys their elements.
 */
export function unflattenQuery(form: Readonly<Record<string, string>>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    const path = key.split('.').filter((part) => part !== 'member' && part !== 'entry');
    let node = root;
    path.forEach((part, index) => {
      if (index === path.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return arrays(root) as Record<string, unknown>;
}

function arrays(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const entries = Object.entries(node as Record<string, unknown>);
  if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => arrays(v));
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, arrays(v)]));
}

/** The tags a request sets, whatever shape the service uses (map, [{Key,Value}], [{key,value}], [{TagKey,TagValue}]). */
export function requestTags(params: Readonly<Record<string, unknown>>): Record<string, string> | undefined {
  const raw = params.Tags ?? params.tags ?? params.TagList;
  if (raw === undefined || raw === null) return undefined;
  if (Array.isArray(raw)) {
    return Object.fromEntries(
      raw.map((tag: Record<string, unknown>) => [String(tag.Key ?? tag.key ?? tag.TagKey), String(tag.Value ?? tag.value ?? tag.TagValue ?? '')]),
    );
  }
  if (typeof raw === 'object') return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
  return undefined;
}
