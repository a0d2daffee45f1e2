/**
 * `npm start`'s program (the built runtime) as a child process: started on a free port and awaited
 * until its ready line, its output collected line by line, stopped or crashed. The benchmark measures
 * through it and the tests drive the runtime with it (test/support/runtime-process.ts adds their checks).
 */
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

/** The runtime did not come up (it exited first, or its deadline passed), or was asked what it cannot do. */
export class RuntimeProcessError extends Error {
  override readonly name = 'RuntimeProcessError';
}

/**
 * How long a start may take before a test gives up. Start-up speed is a target of `npm run bench`
 * (bench/startup.ts), not of the tests: here four jest workers on two cores each start runtimes at once,
 * and a restart on a data directory re-sends its pending orders before it is ready. Measured so under
 * `npm test`: up to 8 s; a CI run once passed 15 s on a restart after SIGKILL.
 */
export const START_DEADLINE_MS = 45_000;

export interface StartOptions {
  timeoutMs?: number;
  /** Each output line of either stream, as it arrives. */
  onLine?: (line: string) => void;
  /** Run in a process group of its own, so crash() can kill it whole. */
  processGroup?: boolean;
  /** The child as soon as it is spawned, before it is ready (to kill it whatever becomes of the start). */
  onSpawn?: (child: ChildProcess) => void;
}

/** Starts `npm start`'s program (the built runtime) on a free port and waits for its ready line. */
export async function startRuntimeProcess(
  env: Record<string, string> = {},
  { timeoutMs = START_DEADLINE_MS, onLine, processGroup = false, onSpawn }: StartOptions = {},
): Promise<RuntimeProcess> {
  const { child, stdout, stderr, both } = spawnRuntime({ PORT: '0', DOFS_VISIBILITY_TIMEOUT: '1', POWERTOOLS_LOG_LEVEL: 'INFO', ...env }, { onLine, processGroup });
  onSpawn?.(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RuntimeProcessError(`runtime not ready within ${timeoutMs} ms: ${stderr.join('\n')}`)), timeoutMs);
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
      reject(new RuntimeProcessError(`runtime exited with ${code} before it was ready: ${stderr.join('\n')}`));
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
      return exited;
    },
    crash() {
      if (!processGroup) throw new RuntimeProcessError('crash() needs a runtime started with processGroup: true');
      process.kill(-child.pid!, 'SIGKILL');
    },
  };
}

/** The built runtime (in memory unless told otherwise), with its output collected line by line. */
export function spawnRuntime(env: Record<string, string>, { onLine, processGroup = false }: Pick<StartOptions, 'onLine' | 'processGroup'> = {}) {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN], {
    cwd: ROOT,
    detached: processGroup,
    env: { ...process.env, DOFS_DATA_DIR: ':memory:', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
