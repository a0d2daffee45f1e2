import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldProblem } from '../shared/errors';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

export interface ErrorBody {
  error: string;
  details?: FieldProblem[];
}

const JSON_HEADERS = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function problem(statusCode: number, error: string, details?: FieldProblem[], headers?: Record<string, string>): HttpResponse {
  const body: ErrorBody = details ? { error, details } : { error };
  return json(statusCode, body, headers);
}

/** Thrown while reading a request; becomes the 4xx response it carries. */
export class RequestError extends Error {
  constructor(readonly response: HttpResponse) {
    super(`request rejected with ${response.statusCode}`);
    this.name = 'RequestError';
  }
}

/** A request header: payload 2.0 gives header names in lower case, so the name is looked up that way. */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.headers?.[name.toLowerCase()];
}

/** application/json, with optional parameters (charset) and the +json structured suffix. */
export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const mediaType = value.split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

/** The raw body bytes, whether API Gateway passed it as text or base64. */
export function bodyBytes(event: APIGatewayProxyEventV2): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}
