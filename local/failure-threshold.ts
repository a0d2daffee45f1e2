import { ENV } from '../topology/access';
import { readEnv } from '../topology/env';
import type { FunctionSettings } from './function-settings';
import type { LocalFunction } from './lambda-host';

/**
 * fulfill_order's FAILURE_THRESHOLD as GET|PUT /_local/failure-threshold and the console show and
 * change it. Changing it is a configuration update: fulfill_order starts afresh with it.
 */
export class FailureThresholdSetting {
  private value: number;

  constructor(
    private readonly settings: FunctionSettings,
    private readonly fulfillOrder: Pick<LocalFunction, 'reload'>,
  ) {
    this.value = readEnv(settings.current(), (env) => env.failureThreshold(ENV.failureThreshold));
  }

  get(): number {
    return this.value;
  }

  async set(value: number): Promise<void> {
    await this.settings.change(ENV.failureThreshold, String(value), () => this.fulfillOrder.reload());
    this.value = value;
  }
}
