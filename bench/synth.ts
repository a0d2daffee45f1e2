import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Progress } from '../cli/progress';
import { round } from '../cli/stats';
import { median } from './stats';

export const SYNTH_TARGETS = { wallMs: 2500, peakRssMb: 300 };

export interface ProcessFigures {
  readonly command: string;
  readonly wallMs: number;
  readonly peakRssMb: number;
}

export interface TimedCommandResult {
  readonly wallMs: number;
  /** Median over runs of each Node process the command started (npm itself, the build, the synth). */
  readonly processes: ProcessFigures[];
  readonly peakRssMb: number;
}

// Loaded into every Node process of the command through NODE_OPTIONS: reports its own peak RSS at exit.
const REPORTER = `process.on('exit', () => require('node:fs').appendFileSync(process.env.DOFS_BENCH_PROCESS_LOG,
  JSON.stringify({ argv: process.argv.slice(1).join(' '), wallMs: process.uptime() * 1000, maxRssKb: process.resourceUsage().maxRSS }) + '\\n'));\n`;

function label(argv: string): string {
  if (/npm-cli|bin\/npm/.test(argv)) return 'npm';
  return argv.replace(`${process.cwd()}/`, '').split(' ').slice(0, 2).join(' ');
}

/**
 * Runs a command `runs` times and reports the median wall time and, per Node process it started, the
 * median wall time and peak resident memory.
 */
export async function timeCommand(
  workDir: string,
  command: string,
  args: string[],
  runs: number,
  progress: Progress,
  name: string,
  beforeEach: () => void = () => undefined,
): Promise<TimedCommandResult> {
  const reporter = join(workDir, 'process-reporter.cjs');
  const log = join(workDir, 'processes.jsonl');
  writeFileSync(reporter, REPORTER);
  const walls: number[] = [];
  const perProcess = new Map<string, { wall: number[]; rss: number[] }>();
  for (let run = 1; run <= runs; run += 1) {
    progress.update(`${name}: run ${run}/${runs}`);
    rmSync(log, { force: true });
    beforeEach();
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(command, args, {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, NODE_OPTIONS: `--require ${reporter}`, DOFS_BENCH_PROCESS_LOG: log },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('close', (exitCode) => (exitCode === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${exitCode}: ${stderr.slice(-500)}`))));
    });
    walls.push(performance.now() - started);
    for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
      const { argv, wallMs, maxRssKb } = JSON.parse(line) as { argv: string; wallMs: number; maxRssKb: number };
      const entry = perProcess.get(label(argv)) ?? { wall: [], rss: [] };
      entry.wall.push(wallMs);
      entry.rss.push(maxRssKb / 1024);
      perProcess.set(label(argv), entry);
    }
  }
  progress.done();
  const processes = [...perProcess].map(([commandLabel, { wall, rss }]) => ({
    command: commandLabel,
    wallMs: round(median(wall)),
    peakRssMb: round(median(rss)),
  }));
  return { wallMs: round(median(walls)), processes, peakRssMb: Math.max(...processes.map((p) => p.peakRssMb)) };
}

/** Makes the next build find dist/ out of date, as a code change would. */
export function forgetBuild(): void {
  rmSync(join('dist', '.build-inputs.json'), { force: true });
}

export interface SynthResult {
  /** After a code change: the build bundles again, then the synth. The target applies here. */
  readonly afterChange: TimedCommandResult;
  /** Nothing changed: the build finds dist/ up to date. */
  readonly unchanged: TimedCommandResult;
  readonly meetsTargets: boolean;
}

/** `npm run synth` (build, then all four stacks) as a user runs it. */
export async function benchSynth(workDir: string, runs: number, progress: Progress): Promise<SynthResult> {
  const afterChange = await timeCommand(workDir, 'npm', ['run', 'synth'], runs, progress, 'synth after a change', forgetBuild);
  const unchanged = await timeCommand(workDir, 'npm', ['run', 'synth'], runs, progress, 'synth unchanged');
  return {
    afterChange,
    unchanged,
    meetsTargets: afterChange.wallMs <= SYNTH_TARGETS.wallMs && afterChange.peakRssMb <= SYNTH_TARGETS.peakRssMb,
  };
}
