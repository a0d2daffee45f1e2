/** What was awaited did not happen before the deadline. */
export class WaitTimeoutError extends Error {
  constructor(
    /** What was awaited, as the caller described it. */
    readonly awaited: string,
    readonly timeoutMs: number,
  ) {
    super(`timed out after ${timeoutMs} ms waiting for ${awaited}`);
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Polls `probe` until it returns a value, failing at the deadline with a WaitTimeoutError. `probe`
 * returns undefined to keep waiting and throws to fail at once (e.g. on the wrong terminal state).
 * `awaited` may be a function, so the error can say how far the wait got.
 */
export async function waitFor<T>(
  awaited: string | (() => string),
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new WaitTimeoutError(typeof awaited === 'string' ? awaited : awaited(), timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
