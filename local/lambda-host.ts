import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { FUNCTIONS, type FunctionKey } from '../topology/functions';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * A handler failure as Step Functions sees it from Lambda: the error's name is the errorType (what
 * Retry and Catch match) and the Cause is the JSON Lambda reports, {"errorType","errorMessage","trace"}.
 */
export class LambdaFunctionError extends Error {
  constructor(errorType: string, errorMessage: string, trace: string[]) {
    super(JSON.stringify({ errorType, errorMessage, trace }));
    this.name = errorType;
  }
}

export class LambdaTimeoutError extends Error {
  constructor(functionName: string, seconds: number) {
    super(`${functionName} timed out after ${seconds} seconds`);
    this.name = 'Sandbox.Timedout';
  }
}

export interface LocalFunction {
  readonly key: FunctionKey;
  readonly functionName: string;
  invoke(event: unknown): Promise<unknown>;
  /**
   * Imports the bundle afresh, so it reads the environment again: what Lambda does after
   * UpdateFunctionConfiguration (new execution environments; invocations under way finish on the old one).
   */
  reload(): Promise<void>;
}

function createContext(functionName: string, memoryMb: number, deadline: number): Context {
  const notSupported = () => {
    throw new Error('callback-style completion is not supported');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: notSupported,
    fail: notSupported,
    succeed: notSupported,
  };
}

/**
 * Loads a handler from its esbuild bundle (the artifact that deploys) and invokes it the way Lambda
 * does: with a context, the function's timeout, and errors reported as errorType + message.
 */
export type InvocationObserver = (functionName: string, durationMs: number, failed: boolean) => void;

export async function loadFunction(
  bundleDir: string,
  key: FunctionKey,
  functionName: string,
  observe: InvocationObserver = () => undefined,
): Promise<LocalFunction> {
  const definition = FUNCTIONS[key];
  const bundleUrl = pathToFileURL(join(bundleDir, key, 'index.mjs')).href;
  let generation = 0;
  // A new query string is a new module instance to the ESM loader: a fresh cold start.
  const importBundle = async () => (await import(generation === 0 ? bundleUrl : `${bundleUrl}?generation=${generation}`)) as { handler: Handler };
  let module = await importBundle();
  return {
    key,
    functionName,
    async reload() {
      generation += 1;
      module = await importBundle();
    },
    async invoke(event: unknown) {
      const timeoutMs = definition.timeoutSeconds * 1000;
      const started = performance.now();
      let failed = true;
      const context = createContext(functionName, definition.memoryMb, Date.now() + timeoutMs);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LambdaTimeoutError(functionName, definition.timeoutSeconds)), timeoutMs);
      });
      try {
        const result = await Promise.race([module.handler(event, context), timeout]);
        failed = false;
        return result;
      } catch (error) {
        if (error instanceof LambdaTimeoutError) throw error;
        const { name = 'Error', message = String(error), stack = '' } = error as Error;
        throw new LambdaFunctionError(name, message, stack.split('\n'));
      } finally {
        clearTimeout(timer);
        observe(functionName, performance.now() - started, failed);
      }
    },
  };
}
