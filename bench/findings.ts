import { BUNDLE_TARGETS } from './bundles';
import { COST_TARGET_USD_PER_MILLION } from './cost';
import { PIPELINE_TARGETS } from './pipeline';
import type { BenchReport } from './report';
import { kib, ms, usd } from './stats';
import { STARTUP_TARGET_MS } from './startup';
import { SYNTH_TARGETS } from './synth';

/** One line per figure that misses its target: by how much, its floor, and what the run shows about why. */
export function findings(report: BenchReport): string[] {
  const lines: string[] = [];
  for (const bundle of report.bundles ?? []) {
    if (bundle.meetsTargets) continue;
    const additions = bundle.largestAdditions.map((a) => `${a.path} ${kib(a.bytes)}`).join(', ');
    lines.push(
      `${bundle.key}: ${kib(bundle.extraBytes)} over its floor (target ${kib(BUNDLE_TARGETS.extraBytes)}), import ${bundle.importRatio}x (target ${BUNDLE_TARGETS.importRatio}x). Largest additions: ${additions}.`,
    );
  }
  const { synth, startup, pipeline, cost } = report;
  if (synth && !synth.meetsTargets) {
    const { afterChange } = synth;
    lines.push(`synth: ${ms(afterChange.wallMs)} and ${afterChange.peakRssMb} MB after a change (targets ${ms(SYNTH_TARGETS.wallMs)}, ${SYNTH_TARGETS.peakRssMb} MB); per process: ${afterChange.processes.map((p) => `${p.command} ${ms(p.wallMs)}`).join(', ')}.`);
  }
  if (startup && !startup.meetsTarget) {
    lines.push(`start-up: ${ms(startup.npmStartAfterChangeMs)} after a change (target ${ms(STARTUP_TARGET_MS)}), ${ms(startup.npmStartMs)} unchanged, of which the runtime itself ${ms(startup.runtimeMs)}.`);
  }
  if (pipeline && !pipeline.meetsTargets.fulfilledFloorRatio) {
    const level = pipeline.levels.find((l) => l.runtime.clients === PIPELINE_TARGETS.ratioAtClients);
    if (level) {
      const floorCpu = level.floor.emulatorCpuMsPerOrder + level.floor.clientCpuMsPerOrder;
      lines.push(
        `pipeline: ${level.runtime.fulfilledPerSecond} fulfilled orders/s at ${level.runtime.clients} clients, ${level.fulfilledFloorRatio}x the floor's ${level.floor.fulfilledPerSecond} (target ${PIPELINE_TARGETS.fulfilledFloorRatio}x). ` +
          `The runtime spends ${ms(level.footprint.cpuMsPerOrder)} of CPU per order (all threads), the floor ${ms(floorCpu)} (emulators and SDK client), and the machine's cores are busy: the main thread runs the gateway and the workflow, each function its own worker thread, the emulators theirs. ` +
          `What stands between is the work the floor leaves out by definition: the HTTP gateway and api_handler, StartSyncExecution over HTTP to the local Step Functions endpoint, ` +
          `the interpreter's ${level.footprint.transitionsPerExecution} states, three more Lambda invocations with their log lines, and SigV4 signing and (de)serialisation in each handler's own SDK client. ` +
          `Closing it means fewer hops than AWS makes (not the point of the local runtime) or more cores.`,
      );
    }
  }
  if (pipeline && !pipeline.meetsTargets.postP99) {
    const level = pipeline.levels.find((l) => l.runtime.clients === PIPELINE_TARGETS.postP99AtClients);
    if (level) {
      lines.push(
        `pipeline: POST p99 ${ms(level.runtime.acceptMs.p99)} at ${level.runtime.clients} clients (target ${ms(PIPELINE_TARGETS.postP99Ms)}); the floor's own p99 for its two calls is ${ms(level.floor.acceptMs.p99)}. ` +
          `With ${level.runtime.clients} clients always waiting, latency is throughput-bound (Little's law: ${level.runtime.clients} / ${level.runtime.acceptedPerSecond} per s = ${ms((level.runtime.clients / level.runtime.acceptedPerSecond) * 1000)} mean), so it moves with the CPU per order above.`,
      );
    }
  }
  if (cost && !cost.meetsTarget) {
    const [ours] = cost.designs;
    const largest = [...ours!.lines].sort((a, b) => b.usdPerMillion - a.usdPerMillion).slice(0, 3);
    lines.push(`cost: ${usd(ours!.usdPerMillion)} per million orders (target ${usd(COST_TARGET_USD_PER_MILLION)}); largest: ${largest.map((l) => `${l.component} ${usd(l.usdPerMillion)}`).join(', ')}.`);
  }
  return lines;
}
