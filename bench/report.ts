import { cpus, release, totalmem } from 'node:os';
import { BUNDLE_TARGETS, type BundleResult } from './bundles';
import { AWS_DURATION_ASSUMPTIONS_MS, COST_TARGET_USD_PER_MILLION, type CostResult } from './cost';
import { PIPELINE_TARGETS, type PipelineResult } from './pipeline';
import { PRICES } from './prices';
import { STARTUP_TARGET_MS, type StartupResult } from './startup';
import { kib, ms, usd } from './stats';
import { SYNTH_TARGETS, type SynthResult } from './synth';

export interface BenchReport {
  readonly date: string;
  readonly machine: { cpu: string; cores: number; memoryGb: number; os: string; node: string };
  bundles?: BundleResult[];
  synth?: SynthResult;
  pipeline?: PipelineResult;
  startup?: StartupResult;
  cost?: CostResult;
  /** Why a figure misses its target, what its floor is and what stands between: one line each. */
  readonly findings: string[];
}

export function machine(): BenchReport['machine'] {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    os: `${process.platform} ${release()}`,
    node: process.version,
  };
}

const mark = (ok: boolean) => (ok ? 'yes' : '**no**');
const table = (header: string[], rows: (string | number)[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

function bundlesSection(bundles: BundleResult[]): string {
  return [
    '## Bundles',
    `Each handler's esbuild bundle (minified ESM, what deploys) beside a floor bundle holding only the same AWS SDK clients and commands, built the same way. Import time: median of fresh Node processes importing the bundle and building its clients. Target: at most floor + ${kib(BUNDLE_TARGETS.extraBytes)} and ${BUNDLE_TARGETS.importRatio}x the floor's import time.`,
    '',
    table(
      ['handler', 'bytes (gzip)', 'floor bytes (gzip)', 'over floor', 'import', 'floor import', 'ratio', 'meets target'],
      bundles.map((b) => [
        b.key,
        `${kib(b.handler.bytes)} (${kib(b.handler.gzipBytes)})`,
        `${kib(b.floor.bytes)} (${kib(b.floor.gzipBytes)})`,
        kib(b.extraBytes),
        ms(b.handler.importMs),
        ms(b.floor.importMs),
        `${b.importRatio}x`,
        mark(b.meetsTargets),
      ]),
    ),
  ].join('\n');
}

function synthSection(synth: SynthResult): string {
  const { afterChange, unchanged } = synth;
  return [
    '## Synth',
    `\`npm run synth\` (the build, then dofs-dev, dofs-prod, dofs-cicd and dofs-bootstrap). After a code change: median ${ms(afterChange.wallMs)}, peak RSS ${afterChange.peakRssMb} MB; nothing changed (the build finds dist/ up to date): ${ms(unchanged.wallMs)}, ${unchanged.peakRssMb} MB. Target ${ms(SYNTH_TARGETS.wallMs)} and ${SYNTH_TARGETS.peakRssMb} MB after a change: ${mark(synth.meetsTargets)}.`,
    '',
    table(
      ['process', 'after a change: wall', 'peak RSS', 'unchanged: wall', 'peak RSS'],
      afterChange.processes.map((p) => {
        const same = unchanged.processes.find((u) => u.command === p.command);
        return [`\`${p.command}\``, ms(p.wallMs), `${p.peakRssMb} MB`, same ? ms(same.wallMs) : '-', same ? `${same.peakRssMb} MB` : '-'];
      }),
    ),
  ].join('\n');
}

function pipelineSection(pipeline: PipelineResult): string {
  const { footprint } = pipeline;
  return [
    '## Local pipeline',
    `The local runtime (FAILURE_THRESHOLD=1.0) under concurrent POST /orders clients, beside the emulator floor: the same DynamoDB and SQS calls per order issued directly at the same concurrency. Targets: fulfilled orders/s at least ${PIPELINE_TARGETS.fulfilledFloorRatio}x the floor at ${PIPELINE_TARGETS.ratioAtClients} clients (${mark(pipeline.meetsTargets.fulfilledFloorRatio)}); POST p99 at most ${PIPELINE_TARGETS.postP99Ms} ms at ${PIPELINE_TARGETS.postP99AtClients} clients (${mark(pipeline.meetsTargets.postP99)}).`,
    '',
    table(
      ['clients', 'orders', 'accepted/s', 'fulfilled/s', 'POST p50 / p99', 'POST→FULFILLED p50 / p99', 'floor accepted/s', 'floor fulfilled/s', 'floor accept p50 / p99', 'fulfilled vs floor'],
      pipeline.levels.map(({ runtime, floor, fulfilledFloorRatio }) => [
        runtime.clients,
        runtime.orders,
        runtime.acceptedPerSecond,
        runtime.fulfilledPerSecond,
        `${ms(runtime.acceptMs.p50)} / ${ms(runtime.acceptMs.p99)}`,
        `${ms(runtime.fulfillMs.p50)} / ${ms(runtime.fulfillMs.p99)}`,
        floor.acceptedPerSecond,
        floor.fulfilledPerSecond,
        `${ms(floor.acceptMs.p50)} / ${ms(floor.acceptMs.p99)}`,
        `${fulfilledFloorRatio}x`,
      ]),
    ),
    '',
    table(
      ['clients', 'runtime CPU per order (all threads)', 'floor CPU per order (emulators + SDK client)', 'ReceiveMessage per order', 'fulfill_order invocations per order'],
      pipeline.levels.map(({ runtime, footprint: f, floor }) => [
        runtime.clients,
        ms(f.cpuMsPerOrder),
        `${ms(floor.emulatorCpuMsPerOrder + floor.clientCpuMsPerOrder)} (${ms(floor.emulatorCpuMsPerOrder)} + ${ms(floor.clientCpuMsPerOrder)})`,
        f.requestsPerOrder.sqs?.ReceiveMessage ?? 0,
        f.invocationsPerOrder.fulfill_order ?? 0,
      ]),
    ),
    '',
    `One order at one client, as the runtime counted it: emulator requests ${JSON.stringify(footprint.requestsPerOrder)} (ReceiveMessage includes the pollers' empty long polls); invocations ${JSON.stringify(footprint.invocationsPerOrder)}; mean local durations (ms) ${JSON.stringify(footprint.meanDurationMs)}; log bytes per invocation ${JSON.stringify(footprint.logBytesPerInvocation)}; ${footprint.transitionsPerExecution} state transitions per execution.`,
  ].join('\n');
}

function startupSection(startup: StartupResult): string {
  return [
    '## Start-up',
    `\`npm start\` to its ready line (npm, the prestart build, then the runtime), median of ${startup.runs}: ${ms(startup.npmStartAfterChangeMs)} after a code change (the build bundles again), ${ms(startup.npmStartMs)} with nothing changed; the runtime alone (\`node dist/local/start.mjs\`): ${ms(startup.runtimeMs)}. Target ${ms(STARTUP_TARGET_MS)} after a change: ${mark(startup.meetsTarget)}.`,
  ].join('\n');
}

function costSection(cost: CostResult): string {
  const components = [...new Set(cost.designs.flatMap((d) => d.lines.map((line) => line.component)))];
  return [
    '## Cost per million orders on AWS',
    `List prices (${PRICES.region}, checked ${PRICES.checked}, sources in bench/prices.ts) times what one order uses: the calls, invocations and log bytes measured above, memory sizes from topology/functions.ts, and assumed AWS durations ${JSON.stringify(AWS_DURATION_ASSUMPTIONS_MS)}. Fixed monthly costs (idle queue polling, the pending sweeper, alarms, the dashboard) are not per order and not included. Target for DOFS: at most ${usd(COST_TARGET_USD_PER_MILLION)}: ${mark(cost.meetsTarget)}.`,
    '',
    table(
      ['component', ...cost.designs.map((d) => d.design.name)],
      [
        ...components.map((component) => [
          component,
          ...cost.designs.map((d) => {
            const line = d.lines.find((l) => l.component === component);
            return line ? `${usd(line.usdPerMillion)} (${line.perOrder})` : '-';
          }),
        ]),
        ['**total**', ...cost.designs.map((d) => `**${usd(d.usdPerMillion)}**`)],
      ],
    ),
  ].join('\n');
}

export function renderMarkdown(report: BenchReport): string {
  const { machine: m } = report;
  const sections = [
    `# DOFS benchmark, ${report.date}`,
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.os}, Node ${m.node}. Produced by \`npm run bench\`; medians unless stated.`,
    report.bundles && bundlesSection(report.bundles),
    report.synth && synthSection(report.synth),
    report.pipeline && pipelineSection(report.pipeline),
    report.startup && startupSection(report.startup),
    report.cost && costSection(report.cost),
    report.findings.length > 0 ? ['## Findings', ...report.findings.map((finding) => `- ${finding}`)].join('\n') : undefined,
  ];
  return `${sections.filter(Boolean).join('\n\n')}\n`;
}
