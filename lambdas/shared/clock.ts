/** Wall-clock time as an ISO-8601 string; injected so tests can pin it. */
export type Clock = () => string;

export const systemClock: Clock = () => new Date().toISOString();

/**
 * Milliseconds from one ISO time to another, or undefined when either is not a time. Never negative:
 * the two are often stamped by different functions, whose clocks may disagree by a few milliseconds.
 */
export function elapsedMs(from: string, to: string): number | undefined {
  const elapsed = Date.parse(to) - Date.parse(from);
  return Number.isFinite(elapsed) ? Math.max(0, elapsed) : undefined;
}
