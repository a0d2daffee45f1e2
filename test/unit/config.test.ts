import { DEFAULT_FAILURE_THRESHOLD, readFailureThreshold, readSeconds, requireArn, requireEnv, requireUrl } from '../../lambdas/shared/config';
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

  it.each([
    'arn:aws:states:us-east-1:123456789012:stateMachine:dofs-dev-order-workflow',
    'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:m',
    'arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:m',
  ])('takes an ARN in any AWS partition: %s', (arn) => {
    expect(requireArn({ STATE_MACHINE_ARN: ` ${arn} ` }, 'STATE_MACHINE_ARN')).toBe(arn);
  });

  it.each(['xarn:aws:states:us-east-1:1:stateMachine:m', 'arn:aws::us-east-1:1:stateMachine:m', 'arn:azure:states:x:1:m', 'states:us-east-1'])(
    'refuses %s as an ARN',
    (value) => {
      expect(() => requireArn({ STATE_MACHINE_ARN: value }, 'STATE_MACHINE_ARN')).toThrow(new ConfigError('STATE_MACHINE_ARN', 'must be an ARN (arn:aws:...)'));
    },
  );

  it('takes an http or https URL and nothing else', () => {
    expect(requireUrl({ Q: 'http://127.0.0.1:4566/000000000000/q' }, 'Q')).toBe('http://127.0.0.1:4566/000000000000/q');
    for (const value of ['ftp://example.com/q', 'xhttps://example.com/q', 'https//example.com']) {
      expect(() => requireUrl({ Q: value }, 'Q')).toThrow(new ConfigError('Q', 'must be an http(s) URL'));
    }
  });

  it('reads a whole number of seconds, defaulting when unset or blank', () => {
    expect(readSeconds({}, 'PENDING_REDRIVE_AFTER_SECONDS', 900)).toBe(900);
    expect(readSeconds({ PENDING_REDRIVE_AFTER_SECONDS: '   ' }, 'PENDING_REDRIVE_AFTER_SECONDS', 900)).toBe(900);
    expect(readSeconds({ PENDING_REDRIVE_AFTER_SECONDS: ' 120 ' }, 'PENDING_REDRIVE_AFTER_SECONDS', 900)).toBe(120);
    expect(readSeconds({ PENDING_REDRIVE_AFTER_SECONDS: '0' }, 'PENDING_REDRIVE_AFTER_SECONDS', 900)).toBe(0);
  });

  it.each(['1.5', '-1', 'soon', '1e400'])('refuses PENDING_REDRIVE_AFTER_SECONDS=%s, naming the variable and the value', (value) => {
    expect(() => readSeconds({ PENDING_REDRIVE_AFTER_SECONDS: value }, 'PENDING_REDRIVE_AFTER_SECONDS', 900)).toThrow(
      new ConfigError('PENDING_REDRIVE_AFTER_SECONDS', `must be a whole number of seconds (got "${value}")`),
    );
  });

  it('quotes at most 20 characters of a bad value', () => {
    const value = `${'9'.repeat(20)}x${'9'.repeat(30)}`;
    expect(() => readSeconds({ S: value }, 'S', 1)).toThrow(new ConfigError('S', `must be a whole number of seconds (got "${'9'.repeat(20)}")`));
    expect(() => readFailureThreshold({ FAILURE_THRESHOLD: `0.${'5'.repeat(30)}x` })).toThrow(`(got "0.${'5'.repeat(18)}")`);
  });

  it('reads FAILURE_THRESHOLD at both ends of its range and defaults when blank', () => {
    expect(readFailureThreshold({ FAILURE_THRESHOLD: '1' })).toBe(1);
    expect(readFailureThreshold({ FAILURE_THRESHOLD: '1.0' })).toBe(1);
    expect(readFailureThreshold({ FAILURE_THRESHOLD: ' 0 ' })).toBe(0);
    expect(readFailureThreshold({ FAILURE_THRESHOLD: '   ' })).toBe(DEFAULT_FAILURE_THRESHOLD);
  });
});
