/**
 * Polls `probe` until it returns a value, failing at the deadline. `probe` returns undefined to keep
 * waiting and throws to fail at once (e.g. on the wrong terminal state).
 */
export async function waitFor<T>(description: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
