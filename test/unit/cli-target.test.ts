import { NotSupportedError, UsageError } from '../../cli/errors';
import { table } from '../../cli/output';
import { AwsTarget, LocalTarget, parseOutputs, queueArn, regionOfQueue, requireLocal, resolveTarget } from '../../cli/target';
import { executionPath } from '../../local/executions';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/dofs-dev-order_dlq';

describe('dofs targets', () => {
  it('talks to the local runtime by default, on DOFS_URL or PORT', () => {
    expect(resolveTarget({}, {})).toMatchObject({ kind: 'local', apiUrl: 'http://localhost:3000' });
    expect(resolveTarget({}, { PORT: '4000' })).toMatchObject({ apiUrl: 'http://localhost:4000' });
    expect(resolveTarget({}, { DOFS_URL: 'http://127.0.0.1:5000/' })).toMatchObject({ apiUrl: 'http://127.0.0.1:5000' });
    expect(resolveTarget({ url: 'http://localhost:7000' }, { DOFS_URL: 'http://x:1' })).toMatchObject({ apiUrl: 'http://localhost:7000' });
  });

  it('names a PORT that is not a port as wrong usage, read as npm start reads it', () => {
    for (const port of ['eighty', '0', '70000', '3000.5']) {
      expect(() => resolveTarget({}, { PORT: port })).toThrow(new UsageError(`PORT must be a port from 1 to 65535 (got "${port}").`));
    }
    // PORT only matters when it makes the URL.
    expect(resolveTarget({}, { PORT: 'eighty', DOFS_URL: 'http://localhost:4000' })).toMatchObject({ apiUrl: 'http://localhost:4000' });
  });

  it('talks to a deployed API given its URL, and refuses a mix of both or a URL that is not http', () => {
    expect(resolveTarget({ apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com' }, {})).toBeInstanceOf(AwsTarget);
    expect(resolveTarget({}, { DOFS_API_URL: 'https://abc.execute-api.eu-west-1.amazonaws.com' })).toBeInstanceOf(AwsTarget);
    expect(() => resolveTarget({ url: 'http://localhost:3000', apiUrl: 'https://x' }, {})).toThrow(UsageError);
    expect(() => resolveTarget({ url: 'ftp://localhost' }, {})).toThrow(UsageError);
  });

  it('reads stack outputs as terraform output -json prints them and as cdktf --outputs-file writes them', () => {
    expect(parseOutputs({ api_url: { value: 'https://a', type: 'string', sensitive: false }, orders_table: { value: 'dofs-dev-orders' } })).toEqual({
      api_url: 'https://a',
      orders_table: 'dofs-dev-orders',
    });
    expect(parseOutputs({ 'dofs-dev': { api_url: 'https://a' } })).toEqual({ api_url: 'https://a' });
    expect(parseOutputs({ 'dofs-dev': { api_url: 'https://a' }, 'dofs-prod': { api_url: 'https://b' } }, 'dofs-prod')).toEqual({ api_url: 'https://b' });
    expect(() => parseOutputs({ 'dofs-dev': {}, 'dofs-prod': {} })).toThrow(/choose one with --stack/);
  });

  it('derives the DLQ ARN and region from its URL', () => {
    expect(regionOfQueue(QUEUE)).toBe('eu-west-1');
    expect(queueArn(QUEUE)).toBe('arn:aws:sqs:eu-west-1:123456789012:dofs-dev-order_dlq');
    expect(() => queueArn('http://localhost:9324/queue')).toThrow(UsageError);
  });

  it('asks for the stack outputs when a command needs tables and only the API URL was given', async () => {
    const target = new AwsTarget('https://a', undefined);
    await expect(target.open()).rejects.toThrow(/needs the stack outputs/);
    expect(() => requireLocal(target, 'Executions', 'x')).toThrow(NotSupportedError);
    expect(requireLocal(new LocalTarget('http://localhost:3000'), 'Executions', 'x')).toBeInstanceOf(LocalTarget);
  });
});

describe('executionPath', () => {
  it('folds retries into the step and keeps how each state was left, even when its exit follows a catch', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const visit = (name: string, event: 'entered' | 'succeeded' | 'failed' | 'retried' | 'caught', error?: string) => ({ name, type: 'Task', event, at, ...(error ? { error } : {}) });
    expect(
      executionPath([
        visit('ValidateOrder', 'entered'),
        visit('ValidateOrder', 'succeeded'),
        visit('StoreOrder', 'entered'),
        visit('StoreOrder', 'failed', 'States.TaskFailed'),
        visit('StoreOrder', 'retried'),
        visit('StoreOrder', 'failed', 'OrderConflictError'),
        visit('StoreOrder', 'caught'),
        visit('StoreOrder', 'succeeded'),
        visit('RejectConflictingOrder', 'entered'),
      ]),
    ).toEqual([
      { name: 'ValidateOrder', outcome: 'succeeded', retries: 0 },
      { name: 'StoreOrder', outcome: 'caught', retries: 1, error: 'OrderConflictError' },
      { name: 'RejectConflictingOrder', outcome: 'entered', retries: 0 },
    ]);
    expect(executionPath([visit('A', 'entered'), visit('A', 'failed', 'X'), visit('A', 'retried'), visit('A', 'succeeded')])).toEqual([
      { name: 'A', outcome: 'succeeded', retries: 1, error: 'X' },
    ]);
  });
});

describe('table', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(table(['ID', 'STATUS', 'ITEM'], [['a', 'FULFILLED', 'pen'], ['long-id', 'FAILED', 'x']])).toEqual([
      'ID       STATUS     ITEM',
      'a        FULFILLED  pen',
      'long-id  FAILED     x',
    ]);
  });
});
