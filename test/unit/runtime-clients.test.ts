import { createSfnClient } from '../../lambdas/shared/clients/sfn';
import { createSqsClient } from '../../lambdas/shared/clients/sqs';
import { systemClock } from '../../lambdas/shared/clock';
import { createLogger } from '../../lambdas/shared/logger';

describe('SDK clients from the Lambda environment', () => {
  // StartSyncExecution is served from a `sync-` host prefix on AWS; an endpoint override is used as given.
  it.each([
    ['on AWS (no endpoint override)', false, {}],
    ['with AWS_ENDPOINT_URL_SFN', true, { AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:4001' }],
    ['with AWS_ENDPOINT_URL', true, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4000' }],
  ])('Step Functions %s: host prefix disabled %p', (_, disabled, env) => {
    const client = createSfnClient({ AWS_REGION: 'us-east-1', ...env });
    expect(client.config.disableHostPrefix).toBe(disabled);
    client.destroy();
  });

  it.each([
    ['AWS_ENDPOINT_URL_SQS', { AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4002' }, '127.0.0.1', 4002],
    ['AWS_ENDPOINT_URL', { AWS_ENDPOINT_URL: 'http://localhost:4000' }, 'localhost', 4000],
    ['the SQS override before the general one', { AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4002', AWS_ENDPOINT_URL: 'http://localhost:4000' }, '127.0.0.1', 4002],
  ])('SQS sends to the endpoint %s names', async (_, env, hostname, port) => {
    const client = createSqsClient(env);
    expect(client.config.isCustomEndpoint).toBe(true);
    await expect(client.config.endpoint!()).resolves.toMatchObject({ hostname, port, protocol: 'http:' });
    client.destroy();
  });

  it('SQS on AWS takes its endpoint from each message\'s queue URL, so none is set', () => {
    const client = createSqsClient({});
    expect(client.config.isCustomEndpoint).toBe(false);
    client.destroy();
  });
});

describe('Handler loggers', () => {
  it('write JSON lines with the service and the function on every line (README: "function":"fulfill_order")', () => {
    const logger = createLogger('fulfill_order');
    const lines: string[] = [];
    // Powertools writes through its own Console instance; this version has no option to replace it.
    (logger as unknown as { console: { info: (line: string) => void } }).console = { info: (line) => lines.push(line) };
    logger.setLogLevel('INFO');
    logger.info('order fulfilled', { order_id: 'order-123', outcome: 'fulfilled' });
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'order fulfilled', service: 'dofs', function: 'fulfill_order', order_id: 'order-123', outcome: 'fulfilled' }),
    ]);
  });
});

describe('The system clock', () => {
  it('tells the current time as an ISO-8601 UTC string', () => {
    const before = Date.now();
    const now = systemClock();
    const after = Date.now();
    expect(now).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(now)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(now)).toBeLessThanOrEqual(after);
  });
});
