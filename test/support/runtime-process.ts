import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

// The repository root: tests and the benchmark both run from it (npm scripts do).
const ROOT = process.cwd();
// What `npm start` runs.
const MAIN = join(ROOT, 'dist', 'local', 'start.mjs');

export interface RuntimeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Every stdout line so far (the ready line, then one JSON log line per handler event). */
  readonly stdout: string[];
  readonly stderr: string[];
  /** Parsed JSON log lines from both streams, in arrival order (Powertools writes WARN and ERROR to stderr). */
  logs(): Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /**
   * SIGKILLs the runtime's whole process group, as a supervisor or a container runtime does, and
   * returns at once without waiting for the kernel to reap it (only with `processGroup`).
   */
  crash(): void;
}

export interface RunResult {
  code: number | null;
  stdout: string[];
  stderr: string[];
}

/**
 * How long a start may take before a test gives up. Start-up speed is a target of `npm run bench`
 * (bench/startup.ts), not of the tests: here four jest workers on two cores each start runtimes at once,
 * and a restart on a data directory re-sends its pending orders before it is ready. Measured so under
 * `npm test`: up to 8 s; a CI run once passed 15 s on a restart after SIGKILL.
 */
const START_DEADLINE_MS = 45_000;

/** Starts `npm start`'s program (the built runtime) on a free port and waits for its ready line. */
export async function startRuntimeProcess(
  env: Record<string, string> = {},
  {
    timeoutMs = START_DEADLINE_MS,
    onLine,
    processGroup = false,
    expectDenials = false,
  }: {
    timeoutMs?: number;
    onLine?: (line: string) => void;
    /** Run in a process group of its own, so crash() can kill it whole. */
    processGroup?: boolean;
    /** The test means to see calls denied (a revoked grant); otherwise any denial fails stop(). */
    expectDenials?: boolean;
  } = {},
): Promise<RuntimeProcess> {
  // A denial the test did not ask for ends the runtime at once: the test fails at its next request
  // instead of waiting out its deadlines, and stop() names the denials.
  const failFast: { kill?: () => void } = {};
  const watch = (line: string) => {
    onLine?.(line);
    if (!expectDenials && line.includes('"message":"access denied"')) failFast.kill?.();
  };
  const { child, stdout, stderr, both } = spawnRuntime({ PORT: '0', DOFS_VISIBILITY_TIMEOUT: '1', POWERTOOLS_LOG_LEVEL: 'INFO', ...env }, watch, processGroup);
  failFast.kill = () => child.kill('SIGKILL');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runtime not ready within ${timeoutMs} ms: ${stderr.join('\n')}`)), timeoutMs);
    const check = () => {
      const ready = stdout.map((line) => /ready on (http:\/\/localhost:\d+)/.exec(line)).find(Boolean);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]!);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`runtime exited with ${code} before it was ready: ${stderr.join('\n')}`));
    });
  });

  return {
    url,
    child,
    stdout,
    stderr,
    logs: () => both.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>),
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      // Least privilege, both ways: a call the declared policy does not allow fails the test that made it
      // (the sweep in test/least-privilege takes grants away and expects exactly this).
      const denied = expectDenials ? [] : both.filter((line) => line.includes('"message":"access denied"'));
      if (denied.length > 0) throw new Error(`the runtime denied ${denied.length} call(s) its roles should make: ${denied.slice(0, 3).join(' ')}`);
      return code;
    },
    crash() {
      if (!processGroup) throw new Error('crash() needs a runtime started with processGroup: true');
      process.kill(-child.pid!, 'SIGKILL');
    },
  };
}

/** Runs the runtime expecting it to exit on its own (a start-up error), with a deadline. */
export function runRuntimeToExit(env: Record<string, string>, timeoutMs = START_DEADLINE_MS): Promise<RunResult> {
  const { child, stdout, stderr } = spawnRuntime(env);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`runtime did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every runtime a test file started and has not seen exit. */
const live = new Set<ChildProcess>();

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

/** The built runtime (in memory unless told otherwise), with its output collected line by line. */
function spawnRuntime(env: Record<string, string>, onLine?: (line: string) => void, processGroup = false) {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN], {
    cwd: ROOT,
    detached: processGroup,
    env: { ...process.env, DOFS_DATA_DIR: ':memory:', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const stdout: string[] = [];
  const stderr: string[] = [];
  const both: string[] = [];
  collectLines(child.stdout, onLine, stdout, both);
  collectLines(child.stderr, onLine, stderr, both);
  return { child, stdout, stderr, both };
}

function collectLines(stream: NodeJS.ReadableStream, onLine: ((line: string) => void) | undefined, ...into: string[][]): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    const lines = parts.filter((line) => line.length > 0);
    for (const target of into) target.push(...lines);
    if (onLine) for (const line of lines) onLine(line);
  });
}
