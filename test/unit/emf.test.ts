import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { readEmfLine } from '../../local/emf';

const NAMESPACE = 'DOFS';

/** An EMF line in Powertools Metrics' shape, with parts replaced or removed (undefined) as a test needs. */
function emf(overrides: Record<string, unknown> = {}, metrics: unknown[] = [{ Name: 'OrdersAccepted', Unit: 'Count' }], dimensions: unknown = [['service', 'environment']]) {
  return JSON.stringify({
    _aws: { Timestamp: 1_764_000_000_000, CloudWatchMetrics: [{ Namespace: NAMESPACE, Dimensions: dimensions, Metrics: metrics }] },
    service: 'dofs',
    environment: 'local',
    OrdersAccepted: 1,
    ...overrides,
  });
}

/** What Powertools Metrics itself writes (it prints to process.stdout through a Console of its own). */
function powertoolsLines(emit: (metrics: Metrics) => void): string[] {
  const written: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const metrics = new Metrics({ namespace: NAMESPACE, serviceName: 'dofs', defaultDimensions: { environment: 'local' } });
    emit(metrics);
  } finally {
    write.mockRestore();
  }
  return written.join('').split('\n').filter(Boolean);
}

describe('Reading embedded metric format lines (local/emf.ts)', () => {
  it('reads a metric, its unit, value and dimensions', () => {
    expect(readEmfLine(emf(), NAMESPACE)).toEqual({
      kind: 'metrics',
      timestamp: 1_764_000_000_000,
      samples: [{ name: 'OrdersAccepted', unit: 'Count', values: [1], dimensions: { service: 'dofs', environment: 'local' } }],
    });
  });

  it('reads what Powertools Metrics writes, an extra dimension and a value array included', () => {
    const lines = powertoolsLines((metrics) => {
      metrics.addMetric('OrdersAccepted', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
      const rejected = metrics.singleMetric();
      rejected.addDimension('reason', 'invalid');
      rejected.addMetric('OrdersRejected', MetricUnit.Count, 1);
      metrics.addMetric('TimeToFulfilled', MetricUnit.Milliseconds, 120);
      metrics.addMetric('TimeToFulfilled', MetricUnit.Milliseconds, 80);
      metrics.publishStoredMetrics();
    });
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => readEmfLine(line, NAMESPACE))).toEqual([
      expect.objectContaining({ kind: 'metrics', samples: [{ name: 'OrdersAccepted', unit: 'Count', values: [1], dimensions: { service: 'dofs', environment: 'local' } }] }),
      expect.objectContaining({ samples: [{ name: 'OrdersRejected', unit: 'Count', values: [1], dimensions: { service: 'dofs', environment: 'local', reason: 'invalid' } }] }),
      expect.objectContaining({ samples: [{ name: 'TimeToFulfilled', unit: 'Milliseconds', values: [120, 80], dimensions: { service: 'dofs', environment: 'local' } }] }),
    ]);
  });

  it('keeps only the namespace asked for: a line of another one is valid EMF with nothing to keep', () => {
    const other = JSON.stringify({ _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'Other', Dimensions: [[]], Metrics: [{ Name: 'Hits' }] }] }, Hits: 3 });
    expect(readEmfLine(other, NAMESPACE)).toEqual({ kind: 'metrics', timestamp: 1, samples: [] });
  });

  it('keeps a metric published under several dimension sets once, with every dimension they name', () => {
    const line = emf({ reason: 'conflict', OrdersRejected: 1 }, [{ Name: 'OrdersRejected', Unit: 'Count' }], [['service', 'environment'], ['service', 'environment', 'reason']]);
    expect(readEmfLine(line, NAMESPACE)).toMatchObject({ samples: [{ name: 'OrdersRejected', values: [1], dimensions: { reason: 'conflict' } }] });
  });

  it('takes a metric without a Unit, and an empty value array as no value', () => {
    expect(readEmfLine(emf({}, [{ Name: 'OrdersAccepted' }]), NAMESPACE)).toMatchObject({ samples: [{ unit: undefined, values: [1] }] });
    expect(readEmfLine(emf({ OrdersAccepted: [] }), NAMESPACE)).toMatchObject({ samples: [{ values: [] }] });
  });

  it.each([
    ['an ordinary log line', '{"level":"INFO","message":"order stored","order_id":"a-1"}'],
    ['text that is not JSON', 'Error: something went wrong'],
    ['a line that mentions "_aws" in passing', 'the key "_aws" marks EMF'],
    ['JSON that only mentions _aws in a string', '{"message":"the \\"_aws\\" key"}'],
    ['JSON with _aws below the root', '{"detail":{"_aws":{}}}'],
  ])('says %s is not EMF', (_, line) => {
    expect(readEmfLine(line, NAMESPACE)).toEqual({ kind: 'not-emf' });
  });

  it.each([
    ['truncated JSON', emf().slice(0, -10), 'not valid JSON'],
    ['_aws not an object', emf({ _aws: [] }), '_aws is not an object'],
    ['no Timestamp', emf({ _aws: { CloudWatchMetrics: [] } }), '_aws.Timestamp'],
    ['a Timestamp that is a string', emf({ _aws: { Timestamp: '2026-01-01', CloudWatchMetrics: [] } }), '_aws.Timestamp'],
    ['no CloudWatchMetrics', emf({ _aws: { Timestamp: 1 } }), 'CloudWatchMetrics is not an array'],
    ['a directive without a Namespace', emf({ _aws: { Timestamp: 1, CloudWatchMetrics: [{ Dimensions: [], Metrics: [] }] } }), 'no Namespace'],
    ['a directive without Dimensions', emf({}, undefined, null), 'no Dimensions array'],
    ['a dimension set that is not an array', emf({}, undefined, ['service']), 'dimension set is not an array'],
    ['a dimension without its value', emf({ environment: undefined }), 'dimension environment has no string value'],
    ['a dimension value that is a number', emf({ environment: 3 }), 'dimension environment has no string value'],
    ['a dimension value over 1024 characters', emf({ environment: 'x'.repeat(1025) }), 'longer than 1024'],
    ['over 30 dimensions in a set', emf(Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`d${i}`, 'v'])), undefined, [Array.from({ length: 31 }, (_, i) => `d${i}`)]), 'at most 30'],
    ['a metric without a Name', emf({}, [{ Unit: 'Count' }]), 'no Name'],
    ['a metric whose value is missing', emf({ OrdersAccepted: undefined }), 'OrdersAccepted has no numeric value'],
    ['a metric whose value is a string', emf({ OrdersAccepted: '1' }), 'OrdersAccepted has no numeric value'],
    ['a value array with a string in it', emf({ OrdersAccepted: [1, '2'] }), 'not a number'],
    ['over 100 values', emf({ OrdersAccepted: Array.from({ length: 101 }, () => 1) }), 'at most 100'],
    ['a StorageResolution other than 1 or 60', emf({}, [{ Name: 'OrdersAccepted', StorageResolution: 5 }]), 'StorageResolution'],
    ['a Unit that is not a string', emf({}, [{ Name: 'OrdersAccepted', Unit: 1 }]), 'Unit that is not a string'],
    ['over 100 metrics in a directive', emf({}, Array.from({ length: 101 }, () => ({ Name: 'OrdersAccepted' }))), 'at most 100'],
  ])('refuses %s, whole, and says why', (_, line, problem) => {
    const reading = readEmfLine(line, NAMESPACE);
    expect(reading.kind).toBe('malformed');
    expect(reading.kind === 'malformed' && reading.problem).toEqual(expect.stringContaining(problem));
  });

  it('refuses a whole line when one of its directives is malformed, even one of another namespace', () => {
    const line = JSON.stringify({
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [
          { Namespace: NAMESPACE, Dimensions: [[]], Metrics: [{ Name: 'OrdersAccepted' }] },
          { Namespace: 'Other', Dimensions: [[]], Metrics: [{ Name: 'Missing' }] },
        ],
      },
      OrdersAccepted: 1,
    });
    expect(readEmfLine(line, NAMESPACE)).toEqual({ kind: 'malformed', problem: 'metric Missing has no numeric value at the root' });
  });
});
