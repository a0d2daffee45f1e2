import { spawn } from 'node:child_process';
import type { Progress } from '../cli/progress';
import { forgetBuild } from './synth';
import { round } from '../cli/stats';
import { median } from './stats';

export const STARTUP_TARGET_MS = 2000;

export interface StartupResult {
  /** `npm start` as a user types it after changing code: npm, the prestart build, the runtime. */
  readonly npmStartAfterChangeMs: number;
  /** `npm start` again with nothing changed: the prestart build finds dist/ up to date. */
  readonly npmStartMs: number;
  /** The runtime alone (`node dist/local/start.mjs`): emulators, tables, queues, bundles, gateway. */
  readonly runtimeMs: number;
  readonly runs: number;
  readonly meetsTarget: boolean;
}

/** Milliseconds from spawning a command to its "ready on" line; then stops it (the whole process group). */
async function timeToReady(command: string, args: string[], timeoutMs = 30_000): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', DOFS_DATA_DIR: ':memory:' },
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} not ready within ${timeoutMs} ms`)), timeoutMs);
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/ready on http/.test(output)) {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      });
      child.once('close', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code} before it was ready`)));
    });
  } finally {
    process.kill(-child.pid!, 'SIGINT');
    await closed;
  }
}

export async function benchStartup(runs: number, progress: Progress): Promise<StartupResult> {
  const afterChange: number[] = [];
  const npmStart: number[] = [];
  const runtime: number[] = [];
  for (let run = 1; run <= runs; run += 1) {
    progress.update(`startup: run ${run}/${runs}`);
    forgetBuild();
    afterChange.push(await timeToReady('npm', ['start']));
    npmStart.push(await timeToReady('npm', ['start']));
    runtime.push(await timeToReady(process.execPath, ['--disable-warning=ExperimentalWarning', 'dist/local/start.mjs']));
  }
  progress.done();
  const npmStartAfterChangeMs = round(median(afterChange));
  return {
    npmStartAfterChangeMs,
    npmStartMs: round(median(npmStart)),
    runtimeMs: round(median(runtime)),
    runs,
    meetsTarget: npmStartAfterChangeMs <= STARTUP_TARGET_MS,
  };
}
