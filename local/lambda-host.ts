import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { FUNCTIONS, type FunctionKey } from '../topology/functions';
import { relayFunctionOutput } from './function-output';
import { logRuntime } from './runtime-log';
import type { FunctionWorkerData, InvocationReply, InvocationRequest, SerializedError } from './function-protocol';

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
   * Starts a new execution environment, which reads the environment again: what Lambda does after
   * UpdateFunctionConfiguration (invocations under way finish on the old one, which then ends).
   */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/** A function's init phase failed (its bundle threw at import, e.g. a ConfigurationError naming a variable). */
export class FunctionInitError extends Error {
  constructor(
    readonly functionName: string,
    readonly initError: SerializedError,
  ) {
    super(`${functionName} failed to start: ${initError.name}: ${initError.message}`);
    this.name = 'FunctionInitError';
  }
}

/** One execution environment: a worker thread with the function's bundle imported and its environment. */
class ExecutionEnvironment {
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private drained: (() => void) | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly functionName: string,
  ) {}

  /** False once the thread ended on its own (a crash) or was reset after a timeout: the next call gets a new one. */
  usable = true;

  static async start(workerFile: string, data: FunctionWorkerData, env: Record<string, string>): Promise<ExecutionEnvironment> {
    // The thread's output comes to the host rather than straight to the runtime's: the host reads it
    // as CloudWatch Logs reads a function's (the business metrics are EMF lines in it) and passes it on.
    const worker = new Worker(workerFile, { workerData: data, env, stdout: true, stderr: true });
    relayFunctionOutput(data.functionName, worker.stdout, process.stdout);
    relayFunctionOutput(data.functionName, worker.stderr, process.stderr);
    let initTimer: NodeJS.Timeout | undefined;
    const loading = new Promise<InvocationReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new FunctionInitError(data.functionName, { name: 'Runtime.ExitError', message: `exited with code ${code} while loading`, stack: '' })));
      // Lambda allows an init phase 10 seconds.
      initTimer = setTimeout(() => reject(new FunctionInitError(data.functionName, { name: 'Runtime.InitTimeout', message: 'did not load within 10 seconds', stack: '' })), INIT_TIMEOUT_MS);
    }).finally(() => clearTimeout(initTimer));
    let first: InvocationReply;
    try {
      first = await loading;
    } catch (error) {
      // A thread that never became ready is ended, whatever it is still doing.
      await worker.terminate();
      throw error;
    }
    worker.removeAllListeners('exit');
    worker.removeAllListeners('error');
    if (first.type === 'init-error') {
      await worker.terminate();
      throw new FunctionInitError(data.functionName, first.error);
    }
    const environment = new ExecutionEnvironment(worker, data.functionName);
    worker.on('message', (reply: InvocationReply) => {
      if (reply.type === 'result') environment.settle(reply.id, (waiting) => waiting.resolve(reply.result));
      if (reply.type === 'error') environment.settle(reply.id, (waiting) => waiting.reject(new LambdaFunctionError(reply.error.name, reply.error.message, reply.error.stack.split('\n'))));
    });
    // An uncaught error or unhandled rejection ends the thread, as it ends a Lambda runtime process: the
    // invocations under way fail with Runtime.ExitError and the next one starts a fresh environment.
    let cause = 'it exited';
    worker.on('error', (error) => {
      cause = `${error.name}: ${error.message}`;
    });
    worker.on('exit', (code) => {
      if (environment.ending) return;
      environment.usable = false;
      logRuntime('ERROR', 'execution environment ended', { function: data.functionName, error: cause, exit_code: code });
      const ended = new LambdaFunctionError('Runtime.ExitError', `RequestId: local Error: Runtime exited with error: ${cause}`, []);
      for (const id of [...environment.pending.keys()]) environment.settle(id, (waiting) => waiting.reject(ended));
    });
    return environment;
  }

  /** Set while the host ends the thread itself (retire, stop), so the exit is not a crash. */
  // eslint-disable-next-line @typescript-eslint/no-unused-private-class-members -- read in static start() (typescript-eslint#12189)
  private ending = false;

  /** Runs one invocation; past its timeout it fails with Sandbox.Timedout and a late answer is dropped. */
  invoke(event: unknown, timeoutSeconds: number): Promise<unknown> {
    const id = (this.nextId += 1);
    const deadline = Date.now() + timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(id, (waiting) => waiting.reject(new LambdaTimeoutError(this.functionName, timeoutSeconds)));
        // Lambda resets an environment after a timeout: no new invocation goes here, and the thread ends
        // once the invocations it still runs are over (each by its own timeout at the latest).
        this.usable = false;
        void this.retire();
      }, timeoutSeconds * 1000);
      this.pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.worker.postMessage({ id, event, deadline } satisfies InvocationRequest);
    });
  }

  private settle(id: number, answer: (waiting: { resolve: (value: unknown) => void; reject: (error: Error) => void }) => void): void {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    answer(waiting);
    if (this.pending.size === 0) this.drained?.();
  }

  /** Lets the invocations under way finish (each ends by its timeout at the latest), then ends the thread. */
  async retire(): Promise<void> {
    if (this.pending.size > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.terminate();
  }

  async terminate(): Promise<void> {
    this.ending = true;
    await this.worker.terminate();
  }
}

const INIT_TIMEOUT_MS = 10_000;

export type InvocationObserver = (functionName: string, durationMs: number, failed: boolean) => void;

export interface FunctionOptions {
  /** The built local/function-worker. */
  readonly workerFile: string;
  /** Where the esbuild bundles are (dist/lambdas). */
  readonly bundleDir: string;
  readonly key: FunctionKey;
  readonly functionName: string;
  readonly functionArn: string;
  /** The function's environment, read again for each new execution environment (a configuration update). */
  readonly environment: () => Record<string, string>;
  readonly observe?: InvocationObserver;
}

/**
 * A function run the way Lambda runs it: its bundle (the artifact that deploys) in an execution
 * environment of its own, a worker thread whose process.env holds only what the function is given;
 * invoked with a context and the function's timeout, its errors reported as errorType + message.
 */
export async function loadFunction(options: FunctionOptions): Promise<LocalFunction> {
  const { key, functionName, observe = () => undefined } = options;
  const definition = FUNCTIONS[key];
  const data: FunctionWorkerData = { bundle: join(options.bundleDir, key, 'index.mjs'), functionName, functionArn: options.functionArn, memoryMb: definition.memoryMb };
  const start = () => ExecutionEnvironment.start(options.workerFile, data, options.environment());
  let current = await start();
  let restarting: Promise<ExecutionEnvironment> | undefined;
  /** The environment to invoke: the current one, or a new one if it crashed or timed out. */
  const environment = async () => {
    if (current.usable) return current;
    restarting ??= start().finally(() => (restarting = undefined));
    current = await restarting;
    return current;
  };
  const retiring = new Set<Promise<void>>();
  return {
    key,
    functionName,
    async reload() {
      const fresh = await start();
      const old = current;
      current = fresh;
      const retired = old.retire().finally(() => retiring.delete(retired));
      retiring.add(retired);
    },
    async stop() {
      await Promise.all([current.terminate(), ...retiring]);
    },
    async invoke(event: unknown) {
      const started = performance.now();
      let failed = true;
      try {
        const result = await (await environment()).invoke(event, definition.timeoutSeconds);
        failed = false;
        return result;
      } finally {
        observe(functionName, performance.now() - started, failed);
      }
    },
  };
}
