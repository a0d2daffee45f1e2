import { join } from 'node:path';
import type { ResourceResolver } from '../topology/access';
import { FUNCTION_KEYS, type FunctionKey } from '../topology/functions';
import { functionEnvironment, type FunctionEnvironmentOptions } from './function-env';
import type { FunctionSettings } from './function-settings';
import { loadFunction, type InvocationObserver, type LocalFunction } from './lambda-host';
import { LOCAL_REGION, localFunctionArn, localFunctionName } from './names';
import type { LocalRoles } from './roles';
import type { ShutdownSequence } from './shutdown';

export interface FunctionsOptions {
  /** Where the esbuild bundles are (dist/lambdas). */
  readonly bundleDir: string;
  /** The built local/function-worker (dist/local/function-worker.mjs by default). */
  readonly functionWorker: string | undefined;
  readonly roles: LocalRoles;
  readonly endpoints: FunctionEnvironmentOptions['endpoints'];
  readonly resolver: ResourceResolver;
  readonly settings: FunctionSettings;
  readonly observe: InvocationObserver;
}

/**
 * Starts every function of topology/functions.ts in its own worker, each with its role and the
 * environment its stack gives it. Every function that did start is stopped with the runtime (it is
 * registered with `shutdown`), also when another failed to; the first failure is then thrown.
 */
export async function loadFunctions(options: FunctionsOptions, shutdown: ShutdownSequence): Promise<Record<FunctionKey, LocalFunction>> {
  const { bundleDir, roles, endpoints, resolver, settings } = options;
  const settled = await Promise.allSettled(
    FUNCTION_KEYS.map((key) =>
      loadFunction({
        workerFile: options.functionWorker ?? join(bundleDir, '..', 'local', 'function-worker.mjs'),
        bundleDir,
        key,
        functionName: localFunctionName(key),
        functionArn: localFunctionArn(key),
        environment: () => functionEnvironment(key, { functionName: localFunctionName(key), region: LOCAL_REGION, role: roles.functions[key], endpoints, resolver, settings: settings.current() }),
        observe: options.observe,
      }),
    ),
  );
  const functions = {} as Record<FunctionKey, LocalFunction>;
  for (const outcome of settled) {
    if (outcome.status !== 'fulfilled') continue;
    functions[outcome.value.key] = outcome.value;
    shutdown.register(() => outcome.value.stop());
  }
  const failedToStart = settled.find((outcome) => outcome.status === 'rejected');
  if (failedToStart) throw failedToStart.reason;
  return functions;
}
