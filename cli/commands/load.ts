import type { OrderView } from '../../lambdas/shared/order';
import { fetchOrder, isFinal, problemText } from '../api';
import { NotSupportedError, OperationFailedError } from '../errors';
import { acknowledges, forEachConcurrently, isError, NO_ANSWER, refuses, sendLoad, type SentOrder } from '../load-generator';
import type { Output } from '../output';
import { waitFor, WaitTimeoutError } from '../poll';
import { Progress } from '../progress';
import { percentile, round } from '../stats';
import { LocalTarget, type Target } from '../target';

export interface LoadOptions {
  orders: number;
  concurrency: number;
  failureThreshold?: number;
  prefix?: string;
  timeout: number;
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
 * Asks for each acknowledged order, `concurrency` at a time, until every one is FULFILLED or FAILED
 * or `timeoutSeconds` pass; what is final by then is in `finals`.
 */
async function awaitFinals(target: Target, acknowledged: readonly SentOrder[], concurrency: number, timeoutSeconds: number, finals: Map<string, OrderView>): Promise<void> {
  let waiting = acknowledged;
  try {
    await waitFor(
      () => `${waiting.length} orders to reach FULFILLED or FAILED`,
      async () => {
        await forEachConcurrently(waiting.length, concurrency, async (index) => {
          const { order_id: orderId } = waiting[index]!.order;
          const current = await fetchOrder(target, orderId).catch(() => undefined);
          if (current && isFinal(current)) finals.set(orderId, current);
        });
        waiting = waiting.filter(({ order }) => !finals.has(order.order_id));
        return waiting.length === 0 ? true : undefined;
      },
      timeoutSeconds * 1000,
      250,
    );
  } catch (error) {
    // Orders still PENDING at the deadline are the report's "unfinished", not a failure of the command.
    if (!(error instanceof WaitTimeoutError)) throw error;
  }
}

/**
 * Sends N orders from C concurrent clients, then waits until each is FULFILLED or FAILED. Times to
 * acknowledge are measured here; times to the final state are the order's own created_at -> updated_at
 * (server clock), so they don't depend on how often this command asks.
 */
export async function load(target: Target, options: LoadOptions, out: Output): Promise<void> {
  const prefix = options.prefix ?? `load-${Date.now().toString(36)}`;
  const finals = new Map<string, OrderView>();
  const progress = new Progress();
  const figures = await withFailureThreshold(target, options.failureThreshold, out, async () => {
    const started = performance.now();
    let answered = 0;
    const show = () => progress.update(`${bar(answered + finals.size, options.orders * 2)} ${answered}/${options.orders} sent, ${finals.size} final`);
    const ticker = setInterval(show, 200);
    try {
      const { sent } = await sendLoad({
        orders: options.orders,
        clients: options.concurrency,
        prefix,
        item: 'load item',
        post: async (order) => {
          try {
            return (await target.request('POST', '/orders', order)).status;
          } catch {
            return NO_ANSWER;
          }
        },
        onAnswered: () => (answered += 1),
      });
      const submittedAt = performance.now();
      await awaitFinals(target, sent.filter(({ answer }) => acknowledges(answer)), options.concurrency, options.timeout, finals);
      const finishedAt = performance.now();
      return { sent, started, submittedAt, finishedAt };
    } finally {
      clearInterval(ticker);
      progress.done();
    }
  });

  const { sent } = figures;
  const accepted = sent.filter(({ answer }) => acknowledges(answer));
  const finalOf = ({ order }: SentOrder) => finals.get(order.order_id);
  const outcome = {
    accepted: sent.filter(({ answer }) => answer === 202).length,
    duplicate: sent.filter(({ answer }) => answer === 200).length,
    refused: sent.filter(({ answer }) => refuses(answer)).length,
    errors: sent.filter(({ answer }) => isError(answer)).length,
    fulfilled: accepted.filter((order) => finalOf(order)?.status === 'FULFILLED').length,
    failed: accepted.filter((order) => finalOf(order)?.status === 'FAILED').length,
    unfinished: accepted.filter((order) => !finalOf(order)).length,
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
      post: latency(sent.map(({ sentAt, answeredAt }) => answeredAt - sentAt)),
      to_final: latency([...finals.values()].map((order) => Date.parse(order.updated_at) - Date.parse(order.created_at))),
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
