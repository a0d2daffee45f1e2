import { DEFAULT_FAILURE_THRESHOLD, readFailureThreshold, requireArn, requireEnv, requireUrl } from '../../lambdas/shared/config';
import { ConfigError } from '../../lambdas/shared/errors';

describe('Handler configuration', () => {
  it('names a missing variable', () => {
    expect(() => requireEnv({}, 'ORDERS_TABLE')).toThrow(new ConfigError('ORDERS_TABLE', 'is required but not set'));
    expect(() => requireEnv({ ORDERS_TABLE: '  ' }, 'ORDERS_TABLE')).toThrow(/ORDERS_TABLE is required/);
  });

  it('names a malformed ARN or URL', () => {
    expect(() => requireArn({ STATE_MACHINE_ARN: 'my-machine' }, 'STATE_MACHINE_ARN')).toThrow(/STATE_MACHINE_ARN must be an ARN/);
    expect(() => requireUrl({ ORDER_QUEUE_URL: 'queue' }, 'ORDER_QUEUE_URL')).toThrow(/ORDER_QUEUE_URL must be an http\(s\) URL/);
    expect(requireUrl({ Q: 'https://sqs.us-east-1.amazonaws.com/1/q' }, 'Q')).toBe('https://sqs.us-east-1.amazonaws.com/1/q');
  });

  it('reads FAILURE_THRESHOLD between 0 and 1, defaulting to never failing', () => {
    expect(DEFAULT_FAILURE_THRESHOLD).toBe(1);
    expect(readFailureThreshold({})).toBe(1);
    expect(readFailureThreshold({ FAILURE_THRESHOLD: '0.0' })).toBe(0);
    expect(readFailureThreshold({ FAILURE_THRESHOLD: '0.5' })).toBe(0.5);
  });

  it.each(['-0.1', '1.5', 'abc', 'NaN', 'Infinity'])('rejects FAILURE_THRESHOLD=%s naming the variable', (value) => {
    expect(() => readFailureThreshold({ FAILURE_THRESHOLD: value })).toThrow(/^FAILURE_THRESHOLD must be a number between 0.0 and 1.0/);
  });
});
