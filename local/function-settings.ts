import type { EnvName } from '../topology/access';

export type SettingValues = Partial<Record<EnvName, string>>;

/**
 * The values a stack gives its functions from its configuration (FAILURE_THRESHOLD), as `npm start`
 * was given them. A function reads them each time it starts an execution environment, so a change
 * reaches it with its next one; unset ones are left out of its environment.
 */
export class FunctionSettings {
  private readonly values: SettingValues;

  constructor(initial: SettingValues = {}) {
    this.values = { ...initial };
  }

  current(): Readonly<SettingValues> {
    return { ...this.values };
  }

  /**
   * Sets one value and runs `apply` (which starts the environments that read it). If `apply` fails,
   * the old environment keeps serving; the next new one must not pick up the value that failed, so
   * the previous value is put back.
   */
  async change(name: EnvName, value: string, apply: () => Promise<void>): Promise<void> {
    const previous = this.values[name];
    this.values[name] = value;
    try {
      await apply();
    } catch (error) {
      if (previous === undefined) delete this.values[name];
      else this.values[name] = previous;
      throw error;
    }
  }
}
