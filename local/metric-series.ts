import { nearestRank } from './sample-window';

export type ThroughputKind = 'accepted' | 'fulfilled' | 'failed';

/** One second of the pipeline, by the metrics' own timestamps. */
export interface SecondPoint {
  /** Epoch second. */
  readonly t: number;
  readonly accepted: number;
  readonly fulfilled: number;
  readonly failed: number;
  /** Median TimeToFulfilled of the orders fulfilled in that second (ms); null when none was. */
  readonly timeToFulfilledP50: number | null;
}

export interface ThroughputSeries {
  readonly windowSeconds: number;
  /** Only the seconds in which something happened, oldest first: a quiet minute costs nothing to send. */
  readonly points: readonly SecondPoint[];
}

interface Bucket {
  accepted: number;
  fulfilled: number;
  failed: number;
  timesToFulfilled: number[];
  timesToFulfilledSeen: number;
}

/** Times to fulfilled kept per second; past it, a uniform sample of them (reservoir sampling). */
const TIMES_PER_SECOND = 1000;
/** How far ahead of the runtime's clock a metric may be stamped and still be charted (as "now"). */
const FUTURE_SLACK_SECONDS = 60;

/**
 * Per-second throughput and time to fulfilled over the last few minutes, for the console's chart.
 * Seconds are bucketed by the EMF Timestamp, as CloudWatch does; a metric stamped before the window is
 * counted in the totals but not charted.
 */
export class PerSecondSeries {
  private readonly buckets = new Map<number, Bucket>();

  constructor(
    private readonly windowSeconds = 300,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  addCount(kind: ThroughputKind, timestampMs: number, amount: number): void {
    const bucket = this.bucketAt(timestampMs);
    if (bucket) bucket[kind] += amount;
  }

  addTimeToFulfilled(timestampMs: number, ms: number): void {
    const bucket = this.bucketAt(timestampMs);
    if (!bucket) return;
    bucket.timesToFulfilledSeen += 1;
    if (bucket.timesToFulfilled.length < TIMES_PER_SECOND) bucket.timesToFulfilled.push(ms);
    else {
      const slot = Math.floor(this.random() * bucket.timesToFulfilledSeen);
      if (slot < TIMES_PER_SECOND) bucket.timesToFulfilled[slot] = ms;
    }
  }

  snapshot(): ThroughputSeries {
    this.prune();
    const points = [...this.buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([t, bucket]) => ({
        t,
        accepted: bucket.accepted,
        fulfilled: bucket.fulfilled,
        failed: bucket.failed,
        timeToFulfilledP50: nearestRank([...bucket.timesToFulfilled].sort((a, b) => a - b), 50),
      }));
    return { windowSeconds: this.windowSeconds, points };
  }

  private currentSecond(): number {
    return Math.floor(this.now() / 1000);
  }

  private bucketAt(timestampMs: number): Bucket | undefined {
    const now = this.currentSecond();
    const second = Math.floor(timestampMs / 1000);
    if (second <= now - this.windowSeconds || second > now + FUTURE_SLACK_SECONDS) return undefined;
    const key = Math.min(second, now);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { accepted: 0, fulfilled: 0, failed: 0, timesToFulfilled: [], timesToFulfilledSeen: 0 };
      this.buckets.set(key, bucket);
      // A new second is the moment an old one may have left the window.
      this.prune();
    }
    return bucket;
  }

  private prune(): void {
    const oldest = this.currentSecond() - this.windowSeconds;
    for (const second of this.buckets.keys()) if (second <= oldest) this.buckets.delete(second);
  }
}
