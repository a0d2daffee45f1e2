import { ConfigurationError, FAILURE_THRESHOLD, readEnv, type Env } from '../../topology/env';

// What each handler's index reads through the one reader (topology/env.ts).
const requireEnv = (env: Env, name: string) => readEnv(env, (read) => read.required(name));
const requireArn = (env: Env, name: string) => readEnv(env, (read) => read.arn(name));
const requireUrl = (env: Env, name: string) => readEnv(env, (read) => read.httpUrl(name));
const readSeconds = (env: Env, name: string, fallback: number) => readEnv(env, (read) => read.seconds(name, fallback));
const readFailureThreshold = (env: Env) => readEnv(env, (read) => read.failureThreshold('FAILURE_THRESHOLD'));
const DEFAULT_FAILURE_THRESHOLD = FAILURE_THRESHOLD.fallback;
/** The error one bad variable makes: its name and its problem, on one line. */
const configError = (variable: string, problem: string) => new ConfigurationError([`${variable} ${problem}`]);

describe('Configuration from the environment', () => {
  it('names a missing variable', () => {
    expect(() => requireEnv({}, 'ORDERS_TABLE')).toThrow(configError('ORDERS_TABLE', 'is required but not set'));
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
    expect(() => readFailureThreshold({ FAILURE_THRESHOLD: value })).toThrow(/^FAILURE_THRESHOLD must be a number from 0.0 to 1.0/);
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
      expect(() => requireArn({ STATE_MACHINE_ARN: value }, 'STATE_MACHINE_ARN')).toThrow(configError('STATE_MACHINE_ARN', 'must be an ARN (arn:aws:...)'));
    },
  );

  it('takes an http or https URL and nothing else', () => {
    expect(requireUrl({ Q: 'http://127.0.0.1:4566/000000000000/q' }, 'Q')).toBe('http://127.0.0.1:4566/000000000000/q');
    for (const value of ['ftp://example.com/q', 'xhttps://example.com/q', 'https//example.com']) {
      expect(() => requireUrl({ Q: value }, 'Q')).toThrow(configError('Q', 'must be an http(s) URL'));
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
      configError('PENDING_REDRIVE_AFTER_SECONDS', `must be a whole number of seconds (got "${value}")`),
    );
  });

  it('quotes at most 20 characters of a bad value', () => {
    const value = `${'9'.repeat(20)}x${'9'.repeat(30)}`;
    expect(() => readSeconds({ S: value }, 'S', 1)).toThrow(configError('S', `must be a whole number of seconds (got "${'9'.repeat(20)}")`));
    expect(() => readFailureThreshold({ FAILURE_THRESHOLD: `0.${'5'.repeat(30)}x` })).toThrow(`(got "0.${'5'.repeat(18)}")`);
  });

  it('reads FAILURE_THRESHOLD at both ends of its range and defaults when blank', () => {
    expect(readFailureThreshold({ FAILURE_THRESHOLD: '1' })).toBe(1);
    expect(readFailureThreshold({ FAILURE_THRESHOLD: '1.0' })).toBe(1);
    expect(readFailureThreshold({ FAILURE_THRESHOLD: ' 0 ' })).toBe(0);
    expect(readFailureThreshold({ FAILURE_THRESHOLD: '   ' })).toBe(DEFAULT_FAILURE_THRESHOLD);
  });

  it('names every bad variable at once, not only the first', () => {
    const read = () =>
      readEnv({ A: 'x', C: '2' }, (env) => ({ a: env.arn('A'), b: env.required('B'), c: env.failureThreshold('C'), d: env.seconds('D', 5) }));
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow('A must be an ARN (arn:aws:...); B is required but not set; C must be a number from 0.0 to 1.0 (got "2")');
  });

  it('lists the problems one per line under a heading, for a person reading a synth error', () => {
    expect(() => readEnv({ P: 'maybe' }, (env) => env.flag('P', false), 'invalid DOFS configuration')).toThrow(
      'invalid DOFS configuration:\n  - P must be "true" or "false" (got "maybe")',
    );
  });

  it('reads words, flags, lists and ranges, and their fallbacks', () => {
    const read = readEnv({ MODE: ' token ', ON: 'true', LIST: 'a, ,b,', N: '7' }, (env) => ({
      mode: env.oneOf('MODE', ['connection', 'token'], 'connection'),
      unset: env.oneOf('UNSET', ['connection', 'token'], 'connection'),
      on: env.flag('ON', false),
      off: env.flag('OFF', false),
      list: env.list('LIST'),
      none: env.list('NONE'),
      n: env.number('N', 1, { min: 1, max: 10, integer: true }, 'a whole number from 1 to 10'),
    }));
    expect(read).toEqual({ mode: 'token', unset: 'connection', on: true, off: false, list: ['a', 'b'], none: undefined, n: 7 });
  });

  it.each(['0x10', '1e400', '', '  ', '1_000', '.'])('takes only plain decimal text as a number: %p', (raw) => {
    const read = () => readEnv({ N: raw }, (env) => env.number('N', 3, {}, 'a number'));
    if (raw.trim() === '') expect(read()).toBe(3);
    else expect(read).toThrow(`N must be a number (got "${raw}")`);
  });

  it('records a problem no single variable shows', () => {
    expect(() => readEnv({}, (env) => env.problem('A and B disagree'))).toThrow(new ConfigurationError(['A and B disagree']));
  });
});
