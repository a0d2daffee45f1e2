/**
 * `npm run bench [-- section ...] [-- --reference]`: DOFS's speed and cost beside their floors, on
 * this machine, in one run. Sections: synth, startup, bundles, pipeline, cost (all by default).
 * Writes bench/results/<timestamp>.{md,json}; --reference writes bench/results/reference.{md,json},
 * the run the README quotes.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchBundles } from './bundles';
import { benchCost } from './cost';
import { serveEmulators, SERVE_EMULATORS_FLAG } from './floor';
import { findings } from './findings';
import { benchPipeline, runRuntimeLevel } from './pipeline';
import { Progress } from '../cli/progress';
import { machine, renderMarkdown, type BenchReport } from './report';
import { benchStartup } from './startup';
import { benchSynth } from './synth';

// Synth and start-up first: both rebuild dist/, which the later sections only read.
const SECTIONS = ['synth', 'startup', 'bundles', 'pipeline', 'cost'] as const;
type Section = (typeof SECTIONS)[number];

const RESULTS_DIR = resolve('bench', 'results');
const IMPORT_RUNS = 21;
const SYNTH_RUNS = 5;
const STARTUP_RUNS = 5;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function parseArgs(args: string[]): { sections: Section[]; reference: boolean } {
  const reference = args.includes('--reference');
  const names = args.filter((arg) => arg !== '--reference');
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new UsageError(`unknown section ${unknown.join(', ')}: choose from ${SECTIONS.join(', ')}`);
  const sections = names.length === 0 ? [...SECTIONS] : SECTIONS.filter((section) => names.includes(section));
  return { sections, reference };
}

async function run(sections: Section[], reference: boolean): Promise<void> {
  const workDir = join(RESULTS_DIR, '.work');
  mkdirSync(workDir, { recursive: true });
  const progress = new Progress();
  const report: BenchReport = { date: new Date().toISOString(), machine: machine(), findings: [] };
  const step = (name: string) => process.stderr.write(`bench: ${name}\n`);

  if (sections.includes('synth')) {
    step('synth');
    report.synth = await benchSynth(workDir, SYNTH_RUNS, progress);
  }
  if (sections.includes('startup')) {
    step('startup');
    report.startup = await benchStartup(STARTUP_RUNS, progress);
  }
  if (sections.includes('bundles')) {
    step('bundles');
    report.bundles = await benchBundles(workDir, IMPORT_RUNS, progress);
  }
  if (sections.includes('pipeline')) {
    step('pipeline');
    report.pipeline = await benchPipeline(progress);
  }
  if (sections.includes('cost')) {
    step('cost');
    const footprint = report.pipeline?.footprint ?? (await runRuntimeLevel(1, 200, progress)).footprint;
    report.cost = benchCost(footprint);
  }
  report.findings.push(...findings(report));
  rmSync(workDir, { recursive: true, force: true });

  const name = reference ? 'reference' : report.date.replace(/[:.]/g, '-');
  const markdown = renderMarkdown(report);
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, `${name}.md`), markdown);
  process.stdout.write(`${markdown}\nbench: report written to bench/results/${name}.md and .json\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === SERVE_EMULATORS_FLAG) return serveEmulators();
  try {
    const { sections, reference } = parseArgs(args);
    await run(sections, reference);
  } catch (error) {
    process.stderr.write(`\nbench: ${error instanceof UsageError ? '' : 'failed: '}${(error as Error).message}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

void main();
