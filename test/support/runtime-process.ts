import type { ChildProcess } from 'node:child_process';
import {
  RuntimeProcessError,
  spawnRuntime,
  START_DEADLINE_MS,
  startRuntimeProcess as startRuntime,
  type RuntimeProcess,
  type StartOptions,
} from '../../local/runtime-process';

export type { RuntimeProcess };

export interface RunResult {
  code: number | null;
  stdout: string[];
  stderr: string[];
}

/** The runtime denied calls its roles should make, and the test did not ask for denials. */
export class UnexpectedDenialError extends Error {
  override readonly name = 'UnexpectedDenialError';
}

const DENIAL = '"message":"access denied"';

export interface TestStartOptions extends Omit<StartOptions, 'onSpawn'> {
  /** The test means to see calls denied (a revoked grant); otherwise any denial fails stop(). */
  expectDenials?: boolean;
}

/**
 * Starts `npm start`'s program (the built runtime) on a free port and waits for its ready line
 * (local/runtime-process.ts); killed after the test file if the test does not stop it.
 */
export async function startRuntimeProcess(env: Record<string, string> = {}, { expectDenials = false, onLine, ...options }: TestStartOptions = {}): Promise<RuntimeProcess> {
  // A denial the test did not ask for ends the runtime at once: the test fails at its next request
  // instead of waiting out its deadlines, and stop() names the denials.
  let child: ChildProcess | undefined;
  const denied: string[] = [];
  const runtime = await startRuntime(env, {
    ...options,
    onSpawn: (spawned) => {
      child = spawned;
      track(spawned);
    },
    onLine: (line) => {
      onLine?.(line);
      if (!expectDenials && line.includes(DENIAL)) {
        denied.push(line);
        child?.kill('SIGKILL');
      }
    },
  });
  return {
    ...runtime,
    async stop(signal) {
      const code = await runtime.stop(signal);
      // Least privilege, both ways: a call the declared policy does not allow fails the test that made it
      // (the sweep in test/least-privilege takes grants away and expects exactly this).
      if (denied.length > 0) throw new UnexpectedDenialError(`the runtime denied ${denied.length} call(s) its roles should make: ${denied.slice(0, 3).join(' ')}`);
      return code;
    },
  };
}

/**
 * A runtime for a whole suite: started before its first test and stopped after its last. The object
 * returned reads through to that runtime, so tests use it as they would the runtime itself.
 */
export function useRuntimeProcess(env: Record<string, string> = {}, options: TestStartOptions = {}): RuntimeProcess {
  let started: RuntimeProcess | undefined;
  beforeAll(async () => {
    started = await startRuntimeProcess(env, options);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): RuntimeProcess => {
    if (!started) throw new RuntimeProcessError('the suite runtime is not started: use it inside a test or a hook after beforeAll');
    return started;
  };
  return {
    get url() {
      return current().url;
    },
    get child() {
      return current().child;
    },
    get stdout() {
      return current().stdout;
    },
    get stderr() {
      return current().stderr;
    },
    logs: () => current().logs(),
    stop: (signal) => current().stop(signal),
    crash: () => current().crash(),
  };
}

/** Runs the runtime expecting it to exit on its own (a start-up error), with a deadline. */
export function runRuntimeToExit(env: Record<string, string>, timeoutMs = START_DEADLINE_MS): Promise<RunResult> {
  const { child, stdout, stderr } = spawnRuntime(env);
  track(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new RuntimeProcessError(`runtime did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every runtime a test file started and has not seen exit. */
const live = new Set<ChildProcess>();

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/**
 * Kills what a test file left running (a test that failed before its own stop): run after each file
 * (test/support/runtime-cleanup.ts), so a failure never leaves a runtime holding Jest open.
 */
export async function killLeftoverRuntimes(): Promise<void> {
  const left = [...live];
  await Promise.all(
    left.map((child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
      return exited;
    }),
  );
}
