import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A payload-2.0 event as API Gateway's `$default` route delivers it. */
export function apiEvent(
  method: string,
  rawPath: string,
  options: { body?: string; headers?: Record<string, string>; base64?: boolean } = {},
): APIGatewayProxyEventV2 {
  const headers = { 'content-type': 'application/json', ...options.headers };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    ...(options.body !== undefined
      ? { body: options.base64 ? Buffer.from(options.body).toString('base64') : options.body }
      : {}),
    isBase64Encoded: Boolean(options.base64),
  };
}
