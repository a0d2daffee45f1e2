import { postOrder } from '../cli/load-generator';
import type { Progress } from '../cli/progress';
import { startRuntimeProcess } from '../local/runtime-process';
import type { RuntimeStatsSnapshot } from '../local/stats';
import { runFloorLevel, type FloorFigures } from './floor';
import { benchOrder, runLoad, type LoadFigures, type OrderTimes } from './load';
import { round } from '../cli/stats';

export const PIPELINE_TARGETS = { fulfilledFloorRatio: 0.6, ratioAtClients: 32, postP99Ms: 50, postP99AtClients: 8 };

export interface PipelineLevel {
  readonly runtime: LoadFigures;
  readonly footprint: OrderFootprint;
  readonly floor: FloorFigures;
  readonly fulfilledFloorRatio: number;
}

/** What one order cost the local pipeline, measured over a load level: the cost model's inputs. */
export interface OrderFootprint {
  readonly orders: number;
  /** Emulator requests per order, by service and operation (ReceiveMessage includes empty polls). */
  readonly requestsPerOrder: Record<string, Record<string, number>>;
  readonly invocationsPerOrder: Record<string, number>;
  readonly meanDurationMs: Record<string, number>;
  /** Bytes of log lines each function writes per invocation (one JSON line per event, newline included). */
  readonly logBytesPerInvocation: Record<string, number>;
  readonly logLinesPerInvocation: Record<string, number>;
  readonly transitionsPerExecution: number;
  readonly executionMs: number;
  /** CPU the runtime process spent per order, all threads. */
  readonly cpuMsPerOrder: number;
}

export interface PipelineResult {
  readonly levels: PipelineLevel[];
  readonly footprint: OrderFootprint;
  readonly meetsTargets: { fulfilledFloorRatio: boolean; postP99: boolean };
}

function difference(after: RuntimeStatsSnapshot, before: RuntimeStatsSnapshot, orders: number): OrderFootprint {
  const requestsPerOrder: Record<string, Record<string, number>> = {};
  for (const [service, operations] of Object.entries(after.requests)) {
    for (const [operation, count] of Object.entries(operations)) {
      const delta = count - (before.requests[service]?.[operation] ?? 0);
      if (delta > 0) (requestsPerOrder[service] ??= {})[operation] = round(delta / orders, 3);
    }
  }
  const invocationsPerOrder: Record<string, number> = {};
  const meanDurationMs: Record<string, number> = {};
  const logBytesPerInvocation: Record<string, number> = {};
  const logLinesPerInvocation: Record<string, number> = {};
  for (const [name, stats] of Object.entries(after.invocations)) {
    const key = name.replace(/^dofs-local-/, '');
    const count = stats.count - (before.invocations[name]?.count ?? 0);
    if (count === 0) continue;
    invocationsPerOrder[key] = round(count / orders, 3);
    meanDurationMs[key] = round((stats.totalMs - (before.invocations[name]?.totalMs ?? 0)) / count, 1);
    // Everything the function wrote, log lines and EMF lines alike, as CloudWatch Logs ingests it.
    logBytesPerInvocation[key] = round(((after.logs[name]?.bytes ?? 0) - (before.logs[name]?.bytes ?? 0)) / count, 1);
    logLinesPerInvocation[key] = round(((after.logs[name]?.lines ?? 0) - (before.logs[name]?.lines ?? 0)) / count, 2);
  }
  const executions = after.executions.count - before.executions.count;
  return {
    orders,
    requestsPerOrder,
    invocationsPerOrder,
    meanDurationMs,
    logBytesPerInvocation,
    logLinesPerInvocation,
    transitionsPerExecution: round((after.executions.transitions - before.executions.transitions) / executions, 2),
    executionMs: round((after.executions.totalMs - before.executions.totalMs) / executions, 1),
    cpuMsPerOrder: round((after.cpuMs - before.cpuMs) / orders, 2),
  };
}

/**
 * The local runtime (`npm start`'s program, FAILURE_THRESHOLD=1.0) under `clients` concurrent POSTs.
 * An order counts as fulfilled when fulfill_order's "fulfilled" log line reaches this process.
 */
export async function runRuntimeLevel(clients: number, orders: number, progress: Progress): Promise<{ figures: LoadFigures; footprint: OrderFootprint }> {
  const times = new Map<string, OrderTimes>();
  const runtime = await startRuntimeProcess(
    { FAILURE_THRESHOLD: '1.0', POWERTOOLS_LOG_LEVEL: 'INFO' },
    {
      onLine: (line) => {
        if (!line.startsWith('{')) return;
        const entry = JSON.parse(line) as { function?: string; outcome?: string; order_id?: string };
        if (entry.function === 'fulfill_order' && entry.outcome === 'fulfilled' && entry.order_id) {
          const sent = times.get(entry.order_id);
          if (sent) sent.fulfilledAt = performance.now();
        }
      },
    },
  );
  try {
    const submit = async (orderId: string, index: number) => {
      const { answer, body } = await postOrder(runtime.url, benchOrder(orderId, index));
      if (answer !== 202) throw new Error(`POST /orders answered ${answer}: ${body.slice(0, 200)}`);
    };
    const stats = async () => (await (await fetch(`${runtime.url}/_local/stats`)).json()) as RuntimeStatsSnapshot;
    // Warm-up: the first orders pay for JIT compilation and the emulators' first writes.
    await runLoad(Math.min(50, orders), clients, `warm-${clients}`, times, submit, progress, `pipeline ${clients} clients (warm-up)`);
    const before = await stats();
    const figures = await runLoad(orders, clients, `bench-${clients}`, times, submit, progress, `pipeline ${clients} clients`);
    return { figures, footprint: difference(await stats(), before, orders) };
  } finally {
    await runtime.stop();
  }
}

export const ORDERS_PER_LEVEL: Readonly<Record<number, number>> = { 1: 200, 8: 800, 32: 1600 };

export async function benchPipeline(progress: Progress, levels = [1, 8, 32]): Promise<PipelineResult> {
  const results: PipelineLevel[] = [];
  let footprint: OrderFootprint | undefined;
  for (const clients of levels) {
    const orders = ORDERS_PER_LEVEL[clients] ?? clients * 50;
    const runtime = await runRuntimeLevel(clients, orders, progress);
    // One order at a time is the dearest case for the cost model: no batching of receives and deletes.
    footprint ??= runtime.footprint;
    const floor = await runFloorLevel(clients, orders, progress);
    results.push({ runtime: runtime.figures, footprint: runtime.footprint, floor, fulfilledFloorRatio: round(runtime.figures.fulfilledPerSecond / floor.fulfilledPerSecond) });
  }
  const at = (clients: number) => results.find((level) => level.runtime.clients === clients);
  return {
    levels: results,
    footprint: footprint!,
    meetsTargets: {
      fulfilledFloorRatio: (at(PIPELINE_TARGETS.ratioAtClients)?.fulfilledFloorRatio ?? 0) >= PIPELINE_TARGETS.fulfilledFloorRatio,
      postP99: (at(PIPELINE_TARGETS.postP99AtClients)?.runtime.acceptMs.p99 ?? Infinity) <= PIPELINE_TARGETS.postP99Ms,
    },
  };
}
