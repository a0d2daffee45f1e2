import { ENVIRONMENT_DIMENSION, METRICS, METRICS_NAMESPACE, type MetricDefinition } from '../topology/metrics';
import { readEmfLine, type EmfReading, type MetricSample } from './emf';
import { onFunctionOutput } from './function-output';
import { PerSecondSeries, type ThroughputKind, type ThroughputSeries } from './metric-series';
import { SampleWindow, type LatencySummary } from './sample-window';

export interface MetricTotals {
  /** The values added up (for a Count metric, how many times it happened). */
  readonly sum: number;
  /** How many values were emitted. */
  readonly count: number;
}

export interface MetricCounts extends MetricTotals {
  readonly unit: string | undefined;
  /** By each dimension beyond environment and service (topology/metrics.ts), by its value. */
  readonly by: Readonly<Record<string, Readonly<Record<string, MetricTotals>>>>;
}

/** The business metrics so far: GET /_local/stats's `metrics`. */
export interface BusinessMetricsSummary {
  readonly namespace: typeof METRICS_NAMESPACE;
  /** By metric name: every declared metric (zero until emitted), and any other the namespace received. */
  readonly counts: Readonly<Record<string, MetricCounts>>;
  /** TimeToFulfilled: milliseconds from acceptance to FULFILLED. */
  readonly timeToFulfilled: LatencySummary;
  /** TimeToFailed: milliseconds from acceptance to FAILED. */
  readonly timeToFailed: LatencySummary;
  /** EMF lines read from the functions' output (every namespace). */
  readonly emfLines: number;
  /** Lines that claimed to be EMF and broke the specification: nothing of them was counted. */
  readonly malformedLines: number;
  readonly lastMalformed: { readonly function: string; readonly problem: string } | null;
}

/** What the console's feed sends: the summary and the last minutes second by second. */
export interface BusinessMetricsFrame extends BusinessMetricsSummary {
  readonly series: ThroughputSeries;
}

/** The dimensions every metric carries, so they break nothing down. */
const COMMON_DIMENSIONS = new Set(['service', ENVIRONMENT_DIMENSION]);

/** The chart's throughput lines, by the metric that moves each. */
const THROUGHPUT = new Map<string, ThroughputKind>([
  [METRICS.ordersAccepted.name, 'accepted'],
  [METRICS.ordersFulfilled.name, 'fulfilled'],
  [METRICS.ordersFailed.name, 'failed'],
]);

interface MutableTotals {
  sum: number;
  count: number;
}

/** Kept in maps: dimension names and values come from the functions' output, so any string (`__proto__`) must be a plain key. */
interface Tally extends MutableTotals {
  unit: string | undefined;
  by: Map<string, Map<string, MutableTotals>>;
}

function declaredTally(definition: MetricDefinition): Tally {
  const by = new Map<string, Map<string, MutableTotals>>();
  if (definition.dimension) by.set(definition.dimension.name, new Map(definition.dimension.values.map((value) => [value, { sum: 0, count: 0 }])));
  return { sum: 0, count: 0, unit: definition.unit, by };
}

function countsOf({ sum, count, unit, by }: Tally): MetricCounts {
  const byDimension = [...by].map(([dimension, values]) => [dimension, Object.fromEntries([...values].map(([value, totals]) => [value, { ...totals }]))]);
  return { sum, count, unit, by: Object.fromEntries(byDimension) as MetricCounts['by'] };
}

const add = (totals: MutableTotals, values: readonly number[]) => {
  for (const value of values) totals.sum += value;
  totals.count += values.length;
};

export interface BusinessMetricsOptions {
  readonly now?: () => number;
  readonly windowSeconds?: number;
  /** Read the functions' output (the runtime does); off, lines come only through read(). */
  readonly watchFunctions?: boolean;
}

/**
 * The business metrics the handlers emit, read from their output as CloudWatch reads them on AWS:
 * only the DOFS namespace; a malformed line is counted and otherwise ignored, and never throws.
 */
export class BusinessMetrics {
  private readonly tallies = new Map<string, Tally>(Object.values(METRICS).map((definition) => [definition.name, declaredTally(definition)]));
  private readonly timeToFulfilled = new SampleWindow();
  private readonly timeToFailed = new SampleWindow();
  private readonly series: PerSecondSeries;
  private emfLines = 0;
  private malformedLines = 0;
  private lastMalformed: BusinessMetricsSummary['lastMalformed'] = null;
  private readonly stopWatching: () => void;

  constructor({ now = Date.now, windowSeconds = 300, watchFunctions = true }: BusinessMetricsOptions = {}) {
    this.series = new PerSecondSeries(windowSeconds, now);
    this.stopWatching = watchFunctions ? onFunctionOutput(({ functionName, line }) => this.read(functionName, line)) : () => undefined;
  }

  /** Reads one line of a function's output. */
  read(functionName: string, line: string): void {
    let reading: EmfReading;
    try {
      reading = readEmfLine(line, METRICS_NAMESPACE);
    } catch (error) {
      // An error thrown on the output channel would end the runtime: a line nothing foresaw is counted instead.
      reading = { kind: 'malformed', problem: `unreadable: ${(error as Error).message}` };
    }
    if (reading.kind === 'not-emf') return;
    this.emfLines += 1;
    if (reading.kind === 'malformed') {
      this.malformedLines += 1;
      this.lastMalformed = { function: functionName, problem: reading.problem };
      return;
    }
    for (const sample of reading.samples) this.record(sample, reading.timestamp);
  }

  summary(): BusinessMetricsSummary {
    const counts = Object.fromEntries([...this.tallies].map(([name, tally]) => [name, countsOf(tally)]));
    return {
      namespace: METRICS_NAMESPACE,
      counts,
      timeToFulfilled: this.timeToFulfilled.summary(),
      timeToFailed: this.timeToFailed.summary(),
      emfLines: this.emfLines,
      malformedLines: this.malformedLines,
      lastMalformed: this.lastMalformed,
    };
  }

  frame(): BusinessMetricsFrame {
    return { ...this.summary(), series: this.series.snapshot() };
  }

  close(): void {
    this.stopWatching();
  }

  private record(sample: MetricSample, timestamp: number): void {
    let tally = this.tallies.get(sample.name);
    if (!tally) this.tallies.set(sample.name, (tally = { sum: 0, count: 0, unit: sample.unit, by: new Map() }));
    add(tally, sample.values);
    for (const [dimension, value] of Object.entries(sample.dimensions)) {
      if (COMMON_DIMENSIONS.has(dimension)) continue;
      let byValue = tally.by.get(dimension);
      if (!byValue) tally.by.set(dimension, (byValue = new Map<string, MutableTotals>()));
      let totals = byValue.get(value);
      if (!totals) byValue.set(value, (totals = { sum: 0, count: 0 }));
      add(totals, sample.values);
    }
    const kind = THROUGHPUT.get(sample.name);
    if (kind) this.series.addCount(kind, timestamp, sample.values.reduce((sum, value) => sum + value, 0));
    if (sample.name === METRICS.timeToFulfilled.name) {
      for (const ms of sample.values) {
        this.timeToFulfilled.add(ms);
        this.series.addTimeToFulfilled(timestamp, ms);
      }
    }
    if (sample.name === METRICS.timeToFailed.name) for (const ms of sample.values) this.timeToFailed.add(ms);
  }
}
