import { pendingSweepTiming } from '../topology/recovery';
import type { LocalFunction } from './lambda-host';

/** The shortest sweep period, so a visibility timeout of 0 cannot turn the sweep into a busy loop. */
const MIN_PERIOD_MS = 1000;

/**
 * The pending sweeper on the deployed rule, time-scaled like the visibility timeout: on AWS an
 * EventBridge schedule runs it every 5 visibility timeouts for orders untouched for 15 (5 and 15
 * minutes); here the same multiples of the local visibility timeout (10 s and 30 s by default). A sweep
 * the emulators refuse fails like a scheduled invocation does, and the next one tries again.
 */
export class PendingSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly sweeper: LocalFunction,
    private readonly visibilityTimeoutSeconds: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * Orders left PENDING by an earlier run may have lost their message: the sweeper, run once for every
   * PENDING order, sends them again. Answers how many it re-sent; a failed sweep is reported to onError
   * and counts none (the periodic sweep tries again).
   */
  async sweepAllNow(): Promise<number> {
    try {
      return ((await this.sweeper.invoke({ olderThanSeconds: 0 })) as { redriven: number }).redriven;
    } catch (error) {
      this.onError(error);
      return 0;
    }
  }

  start(): void {
    const { everySeconds, redriveAfterSeconds } = pendingSweepTiming(this.visibilityTimeoutSeconds);
    this.timer = setInterval(() => {
      // One sweep at a time, as a slow sweep must not overlap the next.
      this.running ??= this.sweeper
        .invoke({ olderThanSeconds: redriveAfterSeconds })
        .then(() => undefined, this.onError)
        .finally(() => (this.running = undefined));
    }, Math.max(MIN_PERIOD_MS, everySeconds * 1000));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
