/** Nearest-rank percentile of sorted values (as `dofs load` and the benchmark report them); null for none. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface LatencySummary {
  /** Every sample seen. */
  readonly count: number;
  /** The latest samples the percentiles are over (at most the window's size). */
  readonly kept: number;
  readonly p50: number | null;
  readonly p99: number | null;
}

/**
 * The latest `size` samples of a latency, for its percentiles: memory stays bounded however long the
 * runtime runs, and the percentiles follow what the pipeline does now rather than since it started.
 */
export class SampleWindow {
  private readonly samples: number[] = [];
  private next = 0;
  private count = 0;
  private sorted: number[] | undefined;

  constructor(private readonly size = 10_000) {}

  add(value: number): void {
    this.count += 1;
    this.sorted = undefined;
    if (this.samples.length < this.size) this.samples.push(value);
    else this.samples[this.next] = value;
    this.next = (this.next + 1) % this.size;
  }

  summary(): LatencySummary {
    // Sorted once per change: the console's feed asks twice a second, with or without new samples.
    this.sorted ??= [...this.samples].sort((a, b) => a - b);
    return { count: this.count, kept: this.sorted.length, p50: nearestRank(this.sorted, 50), p99: nearestRank(this.sorted, 99) };
  }
}
