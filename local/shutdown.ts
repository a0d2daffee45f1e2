/**
 * What stops the runtime: each part registers its stopper once it has started, and stop() runs them
 * newest first, so a part stops before anything it depends on (the gateway before the functions it
 * calls, the functions before the emulators they call). A stopper that fails does not keep the next
 * ones from running.
 */
export class ShutdownSequence {
  private readonly stoppers: (() => Promise<void>)[] = [];

  register(stop: () => Promise<void>): void {
    this.stoppers.push(stop);
  }

  async stop(): Promise<void> {
    for (const stopOne of this.stoppers.splice(0).reverse()) await stopOne().catch(() => undefined);
  }
}
