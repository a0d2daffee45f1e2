import { Progress } from '../../bench/progress';
import { percentile, round } from '../../bench/stats';
import { fetchOrder, isFinal, problemText, type OrderView } from '../api';
import { NotSupportedError, OperationFailedError } from '../errors';
import type { Output } from '../output';
import { LocalTarget, type Target } from '../target';

export interface LoadOptions {
  orders: number;
  concurrency: number;
  failureThreshold?: number;
  prefix?: string;
  timeout: number;
}

interface Sent {
  id: string;
  postMs?: number;
  status?: number;
  final?: OrderView;
}

const BAR_WIDTH = 24;

function bar(done: number, total: number): string {
  const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}

const latency = (values: number[]) =>
  values.length === 0
    ? undefined
    : { p50: round(percentile(values, 50), 1), p90: round(percentile(values, 90), 1), p99: round(percentile(values, 99), 1), max: round(Math.max(...values), 1) };

/** Runs `work` for every index from `concurrency` workers. */
async function pool(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let index = next++; index < count; index = next++) await work(index);
    }),
  );
}

async function withFailureThreshold<T>(target: Target, value: number | undefined, out: Output, run: () => Promise<T>): Promise<T> {
  if (value === undefined) return run();
  if (!(target instanceof LocalTarget)) {
    throw new NotSupportedError(
      '--failure-threshold changes the local runtime only.',
      'On AWS, FAILURE_THRESHOLD is part of the stack: DOFS_FAILURE_THRESHOLD=0.5 npx cdktf deploy <stack>, then run the load without it.',
    );
  }
  const previous = (await target.local('GET', '/_local/failure-threshold')).body.failure_threshold as number;
  const set = async (threshold: number) => {
    const response = await target.local('PUT', '/_local/failure-threshold', { failure_threshold: threshold });
    if (response.status !== 200) throw new OperationFailedError(`Could not set FAILURE_THRESHOLD: ${problemText(response)}`);
  };
  await set(value);
  out.line(`FAILURE_THRESHOLD set to ${value} for this load (was ${previous})`);
  // Ctrl-C during the load still puts the runtime's setting back.
  const onInterrupt = () => void set(previous).finally(() => process.exit(130));
  process.once('SIGINT', onInterrupt);
  try {
    return await run();
  } finally {
    process.off('SIGINT', onInterrupt);
    await set(previous);
    out.line(`FAILURE_THRESHOLD back to ${previous}`);
  }
}

/**
 * Sends N orders from C concurrent clients, then waits until each is FULFILLED or FAILED. Times to
 * acknowledge are measured here; times to the final state are the order's own created_at -> updated_at
 * (server clock), so they don't depend on how often this command asks.
 */
export async function load(target: Target, options: LoadOptions, out: Output): Promise<void> {
  const prefix = options.prefix ?? `load-${Date.now().toString(36)}`;
  const sent: Sent[] = Array.from({ length: options.orders }, (_, index) => ({ id: `${prefix}-${index}` }));
  const progress = new Progress();
  const figures = await withFailureThreshold(target, options.failureThreshold, out, async () => {
    const started = performance.now();
    let acknowledged = 0;
    let finals = 0;
    const show = () => progress.update(`${bar(acknowledged + finals, options.orders * 2)} ${acknowledged}/${options.orders} sent, ${finals} final`);
    const ticker = setInterval(show, 200);
    try {
      await pool(options.orders, options.concurrency, async (index) => {
        const order = sent[index]!;
        const before = performance.now();
        try {
          const response = await target.request('POST', '/orders', { order_id: order.id, item: `load item ${index % 17}`, quantity: (index % 9) + 1 });
          order.status = response.status;
        } catch {
          order.status = 0;
        }
        order.postMs = performance.now() - before;
        acknowledged += 1;
      });
      const submittedAt = performance.now();

      const deadline = Date.now() + options.timeout * 1000;
      let waiting = sent.filter((order) => order.status === 200 || order.status === 202);
      while (waiting.length > 0 && Date.now() < deadline) {
        await pool(waiting.length, options.concurrency, async (index) => {
          const order = waiting[index]!;
          const current = await fetchOrder(target, order.id).catch(() => undefined);
          if (current && isFinal(current)) {
            order.final = current;
            finals += 1;
          }
        });
        waiting = waiting.filter((order) => !order.final);
        if (waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const finishedAt = performance.now();
      return { started, submittedAt, finishedAt };
    } finally {
      clearInterval(ticker);
      progress.done();
    }
  });

  const accepted = sent.filter((order) => order.status === 202 || order.status === 200);
  const outcome = {
    accepted: sent.filter((order) => order.status === 202).length,
    duplicate: sent.filter((order) => order.status === 200).length,
    refused: sent.filter((order) => order.status !== undefined && order.status >= 400 && order.status < 500).length,
    errors: sent.filter((order) => order.status === 0 || (order.status ?? 0) >= 500).length,
    fulfilled: accepted.filter((order) => order.final?.status === 'FULFILLED').length,
    failed: accepted.filter((order) => order.final?.status === 'FAILED').length,
    unfinished: accepted.filter((order) => !order.final).length,
  };
  const seconds = (ms: number) => ms / 1000;
  const submitSeconds = seconds(figures.submittedAt - figures.started);
  const totalSeconds = seconds(figures.finishedAt - figures.started);
  const summary = {
    target: target.apiUrl,
    prefix,
    orders: options.orders,
    concurrency: options.concurrency,
    failure_threshold: options.failureThreshold,
    outcome,
    throughput: {
      submitted_per_second: round(options.orders / submitSeconds, 1),
      final_per_second: round((outcome.fulfilled + outcome.failed) / totalSeconds, 1),
    },
    latency_ms: {
      post: latency(sent.map((order) => order.postMs ?? 0)),
      to_final: latency(accepted.filter((order) => order.final).map((order) => Date.parse(order.final!.updated_at) - Date.parse(order.final!.created_at))),
    },
    duration_seconds: round(totalSeconds, 2),
  };
  const describe = (figuresMs: ReturnType<typeof latency>) => (figuresMs ? `p50 ${figuresMs.p50} ms, p90 ${figuresMs.p90} ms, p99 ${figuresMs.p99} ms, max ${figuresMs.max} ms` : 'n/a');
  out.result(summary, () => [
    `${options.orders} orders from ${options.concurrency} clients in ${summary.duration_seconds} s (ids ${prefix}-0…)`,
    `  sent       ${outcome.accepted} accepted, ${outcome.duplicate} duplicate, ${outcome.refused} refused, ${outcome.errors} errors`,
    `  outcome    ${outcome.fulfilled} FULFILLED, ${outcome.failed} FAILED, ${outcome.unfinished} not final after ${options.timeout} s`,
    `  throughput ${summary.throughput.submitted_per_second} orders/s submitted, ${summary.throughput.final_per_second} orders/s reached a final state`,
    `  POST       ${describe(summary.latency_ms.post)}`,
    `  to final   ${describe(summary.latency_ms.to_final)} (created_at → updated_at)`,
  ]);
  if (outcome.errors + outcome.refused + outcome.unfinished > 0) {
    throw new OperationFailedError(
      `${outcome.errors} errors, ${outcome.refused} refused, ${outcome.unfinished} orders not final.`,
      outcome.unfinished > 0 ? 'Give them longer with --timeout, or look at one with `npx dofs executions <order_id>`.' : undefined,
    );
  }
}
