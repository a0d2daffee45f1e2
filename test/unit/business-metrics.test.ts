import { BusinessMetrics } from '../../local/business-metrics';
import { PerSecondSeries } from '../../local/metric-series';
import { nearestRank, SampleWindow } from '../../local/sample-window';

const NOW = 1_764_000_000_000;

/** One EMF line of the DOFS namespace, as Powertools Metrics writes it. */
function emf(metrics: Record<string, number | number[]>, { dimensions = {}, unit = 'Count', timestamp = NOW }: { dimensions?: Record<string, string>; unit?: string; timestamp?: number } = {}): string {
  const names = ['service', 'environment', ...Object.keys(dimensions)];
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{ Namespace: 'DOFS', Dimensions: [names], Metrics: Object.keys(metrics).map((Name) => ({ Name, Unit: unit })) }],
    },
    service: 'dofs',
    environment: 'local',
    ...dimensions,
    ...metrics,
  });
}

describe('The business metrics the runtime keeps (local/business-metrics.ts)', () => {
  let now: number;
  let metrics: BusinessMetrics;
  beforeEach(() => {
    now = NOW;
    metrics = new BusinessMetrics({ now: () => now, watchFunctions: false });
  });

  it('starts with every declared metric at zero, broken down by its declared dimension values', () => {
    const summary = metrics.summary();
    expect(summary).toMatchObject({ namespace: 'DOFS', emfLines: 0, malformedLines: 0, lastMalformed: null });
    expect(summary.counts.OrdersAccepted).toEqual({ sum: 0, count: 0, unit: 'Count', by: {} });
    expect(summary.counts.OrdersRejected).toEqual({ sum: 0, count: 0, unit: 'Count', by: { reason: { invalid: { sum: 0, count: 0 }, conflict: { sum: 0, count: 0 } } } });
    expect(Object.keys(summary.counts)).toHaveLength(11);
    expect(summary.timeToFulfilled).toEqual({ count: 0, kept: 0, p50: null, p99: null });
    expect(summary.timeToFailed).toEqual({ count: 0, kept: 0, p50: null, p99: null });
  });

  it('adds up each metric and each value of its extra dimension, value arrays included', () => {
    metrics.read('dofs-local-api_handler', emf({ OrdersAccepted: 1 }));
    metrics.read('dofs-local-api_handler', emf({ OrdersAccepted: [1, 1] }));
    metrics.read('dofs-local-api_handler', emf({ OrdersRejected: 1 }, { dimensions: { reason: 'invalid' } }));
    metrics.read('dofs-local-api_handler', emf({ OrdersRejected: 1 }, { dimensions: { reason: 'conflict' } }));
    metrics.read('dofs-local-api_handler', emf({ OrdersRejected: 1 }, { dimensions: { reason: 'invalid' } }));
    const { counts, emfLines } = metrics.summary();
    expect(emfLines).toBe(5);
    expect(counts.OrdersAccepted).toMatchObject({ sum: 3, count: 3 });
    expect(counts.OrdersRejected).toEqual({ sum: 3, count: 3, unit: 'Count', by: { reason: { invalid: { sum: 2, count: 2 }, conflict: { sum: 1, count: 1 } } } });
  });

  it('summarizes the time to fulfilled and the time to failed, each on its own (nearest-rank p50 and p99)', () => {
    const fulfilled = Array.from({ length: 100 }, (_, index) => index + 1);
    metrics.read('dofs-local-fulfill_order', emf({ TimeToFulfilled: fulfilled }, { unit: 'Milliseconds' }));
    metrics.read('dofs-local-dlq_handler', emf({ TimeToFailed: 5000 }, { unit: 'Milliseconds' }));
    const { timeToFulfilled, timeToFailed, counts } = metrics.summary();
    expect(timeToFulfilled).toEqual({ count: 100, kept: 100, p50: 50, p99: 99 });
    expect(timeToFailed).toEqual({ count: 1, kept: 1, p50: 5000, p99: 5000 });
    expect(counts.TimeToFulfilled).toEqual({ sum: 5050, count: 100, unit: 'Milliseconds', by: {} });
    expect(counts.TimeToFailed).toEqual({ sum: 5000, count: 1, unit: 'Milliseconds', by: {} });
  });

  it('counts a malformed line, keeps nothing of it, and says which function wrote it and why', () => {
    metrics.read('dofs-local-fulfill_order', '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"DOFS","Dimensions":[[]],"Metrics":[{"Name":"OrdersFulfilled"}]}]}}');
    metrics.read('dofs-local-fulfill_order', '{"_aws": broken');
    const summary = metrics.summary();
    expect(summary).toMatchObject({ emfLines: 2, malformedLines: 2, lastMalformed: { function: 'dofs-local-fulfill_order', problem: 'not valid JSON' } });
    expect(summary.counts.OrdersFulfilled).toMatchObject({ sum: 0, count: 0 });
  });

  it('ignores ordinary log lines and other namespaces, and counts a DOFS metric the contract does not declare', () => {
    metrics.read('dofs-local-api_handler', '{"level":"INFO","message":"request","order_id":"a"}');
    metrics.read('dofs-local-api_handler', JSON.stringify({ _aws: { Timestamp: NOW, CloudWatchMetrics: [{ Namespace: 'Other', Dimensions: [], Metrics: [{ Name: 'OrdersAccepted' }] }] }, OrdersAccepted: 9 }));
    metrics.read('dofs-local-api_handler', emf({ ColdStart: 1 }));
    const { counts, emfLines, malformedLines } = metrics.summary();
    expect({ emfLines, malformedLines }).toEqual({ emfLines: 2, malformedLines: 0 });
    expect(counts.OrdersAccepted?.sum).toBe(0);
    expect(counts.ColdStart).toEqual({ sum: 1, count: 1, unit: 'Count', by: {} });
  });

  it('takes any dimension value or metric name as a plain key (nothing of Object.prototype)', () => {
    metrics.read('dofs-local-api_handler', emf({ OrdersRejected: 1 }, { dimensions: { reason: '__proto__' } }));
    metrics.read('dofs-local-api_handler', emf({ constructor: 2, toString: 1 }));
    const { counts } = metrics.summary();
    expect(Object.getOwnPropertyDescriptor(counts.OrdersRejected?.by.reason ?? {}, '__proto__')?.value).toEqual({ sum: 1, count: 1 });
    expect(Object.getOwnPropertyDescriptor(counts, 'constructor')?.value).toMatchObject({ sum: 2, count: 1 });
    expect(({} as Record<string, unknown>).sum).toBeUndefined();
    expect(metrics.frame().series.points).toEqual([]);
  });

  it('never throws, whatever a function writes', () => {
    for (const line of ['{"_aws":null}', '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[null]}}', '[1,"_aws"]', '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"DOFS","Dimensions":[[null]],"Metrics":[]}]}}', '"_aws"']) {
      expect(() => metrics.read('dofs-local-api_handler', line)).not.toThrow();
    }
    expect(metrics.summary().malformedLines).toBe(3);
  });

  it('charts accepted, fulfilled and failed per second and the time to fulfilled p50 of each second, by the metric timestamps', () => {
    metrics.read('dofs-local-api_handler', emf({ OrdersAccepted: 1 }, { timestamp: NOW - 2500 }));
    metrics.read('dofs-local-api_handler', emf({ OrdersAccepted: 1 }, { timestamp: NOW - 2100 }));
    metrics.read('dofs-local-fulfill_order', emf({ OrdersFulfilled: 1 }, { timestamp: NOW - 1000 }));
    metrics.read('dofs-local-fulfill_order', emf({ TimeToFulfilled: [30, 10, 20] }, { timestamp: NOW - 1000, unit: 'Milliseconds' }));
    metrics.read('dofs-local-dlq_handler', emf({ OrdersFailed: 1, OrdersDeadLettered: 1 }, { timestamp: NOW }));
    // A time to failed is no time to fulfilled: not charted.
    metrics.read('dofs-local-dlq_handler', emf({ TimeToFailed: 5000 }, { timestamp: NOW, unit: 'Milliseconds' }));
    const second = NOW / 1000;
    expect(metrics.frame().series).toEqual({
      windowSeconds: 300,
      points: [
        { t: second - 3, accepted: 2, fulfilled: 0, failed: 0, timeToFulfilledP50: null },
        { t: second - 1, accepted: 0, fulfilled: 1, failed: 0, timeToFulfilledP50: 20 },
        { t: second, accepted: 0, fulfilled: 0, failed: 1, timeToFulfilledP50: null },
      ],
    });
  });
});

describe('The per-second series (local/metric-series.ts)', () => {
  it('drops seconds that left the window, charts nothing stamped before it, and draws a slightly early clock as now', () => {
    let now = NOW;
    const series = new PerSecondSeries(60, () => now);
    series.addCount('accepted', NOW - 59_000, 1);
    series.addCount('accepted', NOW - 60_000, 1);
    series.addCount('accepted', NOW + 3_000, 1);
    series.addCount('accepted', NOW + 61_000, 1);
    expect(series.snapshot().points.map((point) => [point.t - NOW / 1000, point.accepted])).toEqual([
      [-59, 1],
      [0, 1],
    ]);
    now += 2_000;
    expect(series.snapshot().points.map((point) => point.t - NOW / 1000)).toEqual([0]);
  });

  it('keeps a uniform sample of a busy second\'s times to fulfilled', () => {
    const series = new PerSecondSeries(60, () => NOW, () => 0.999_999);
    for (let index = 0; index < 1000; index += 1) series.addTimeToFulfilled(NOW, 10);
    // Past the cap each new one replaces a kept one with probability cap/seen: here (random near 1) never.
    for (let index = 0; index < 5000; index += 1) series.addTimeToFulfilled(NOW, 1_000_000);
    expect(series.snapshot().points[0]?.timeToFulfilledP50).toBe(10);
  });
});

describe('The latency sample window (local/sample-window.ts)', () => {
  it('takes nearest-rank percentiles', () => {
    expect(nearestRank([], 50)).toBeNull();
    expect(nearestRank([7], 99)).toBe(7);
    expect(nearestRank([1, 2, 3, 4], 50)).toBe(2);
    expect(nearestRank([1, 2, 3, 4], 99)).toBe(4);
  });

  it('keeps the latest samples only, and counts them all', () => {
    const window = new SampleWindow(3);
    for (const value of [100, 200, 300, 1, 2]) window.add(value);
    expect(window.summary()).toEqual({ count: 5, kept: 3, p50: 2, p99: 300 });
    window.add(3);
    expect(window.summary()).toEqual({ count: 6, kept: 3, p50: 2, p99: 3 });
  });
});
