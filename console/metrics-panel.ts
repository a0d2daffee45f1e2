/**
 * The console's business metrics panel: a counter per metric the handlers emit (topology/metrics.ts)
 * and the throughput and latency chart, from the feed's `metrics` events.
 */
import type { BusinessMetricsFrame, MetricCounts } from '../local/business-metrics';
import { METRICS, type MetricDefinition } from '../topology/metrics';
import { byId } from './dom';
import { latencyChart, throughputChart } from './metrics-chart';

const COUNTERS: readonly { readonly metric: MetricDefinition; readonly label: string; readonly tone?: 'good' | 'bad' }[] = [
  { metric: METRICS.ordersAccepted, label: 'Accepted' },
  { metric: METRICS.ordersDuplicated, label: 'Duplicated' },
  { metric: METRICS.ordersRejected, label: 'Rejected' },
  { metric: METRICS.ordersNotAccepted, label: 'Not accepted', tone: 'bad' },
  { metric: METRICS.ordersFulfilled, label: 'Fulfilled', tone: 'good' },
  { metric: METRICS.ordersFailed, label: 'Failed', tone: 'bad' },
  { metric: METRICS.ordersDeadLettered, label: 'Dead-lettered', tone: 'bad' },
  { metric: METRICS.fulfillmentAttemptsFailed, label: 'Attempts failed' },
  { metric: METRICS.ordersRedriven, label: 'Redriven' },
];

let latest: BusinessMetricsFrame | undefined;

function text<K extends keyof HTMLElementTagNameMap>(tag: K, content: string, className: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.textContent = content;
  node.className = className;
  return node;
}

/** "invalid 2 · conflict 0": a counter's breakdown by its extra dimension. */
function breakdown(counts: MetricCounts | undefined, metric: MetricDefinition): string {
  if (!metric.dimension) return '';
  const byValue = counts?.by[metric.dimension.name] ?? {};
  return metric.dimension.values.map((value) => `${value.replaceAll('_', ' ')} ${byValue[value]?.sum ?? 0}`).join(' · ');
}

/** Builds the counters once: each a tile whose count the feed updates. */
function tiles(): HTMLElement {
  const list = byId('metric-tiles');
  if (list.childElementCount > 0) return list;
  for (const { metric, label, tone } of COUNTERS) {
    const tile = document.createElement('li');
    tile.className = `tile metric${tone ? ` tone-${tone}` : ''}`;
    tile.title = metric.meaning;
    tile.append(text('span', label, 'label'), text('span', '0', 'count'), ' ', text('span', breakdown(undefined, metric), 'sub'));
    tile.dataset.metric = metric.name;
    list.append(tile);
  }
  const completion = document.createElement('li');
  completion.className = 'tile metric';
  completion.title = METRICS.timeToFulfilled.meaning;
  completion.dataset.metric = METRICS.timeToFulfilled.name;
  completion.append(text('span', 'Time to fulfilled p50', 'label'), text('span', '–', 'count'), ' ', text('span', 'p99 –', 'sub'));
  list.append(completion);
  return list;
}

/** The time to failed, under the time to fulfilled: added to its tile once an order has failed. */
function timeToFailedLine(tile: HTMLElement): HTMLElement {
  let line = tile.querySelector<HTMLElement>('.time-to-failed');
  if (!line) {
    line = text('span', '', 'sub time-to-failed');
    line.title = METRICS.timeToFailed.meaning;
    tile.append(' ', line);
  }
  return line;
}

const ms = (value: number | null) => (value === null ? '–' : `${Math.round(value)} ms`);

function renderCounters(frame: BusinessMetricsFrame): void {
  const list = tiles();
  for (const { metric } of COUNTERS) {
    const tile = list.querySelector<HTMLElement>(`[data-metric="${metric.name}"]`);
    const counts = frame.counts[metric.name];
    tile!.querySelector('.count')!.textContent = String(counts?.sum ?? 0);
    tile!.querySelector('.sub')!.textContent = breakdown(counts, metric);
  }
  const { p50, p99, count } = frame.timeToFulfilled;
  const completion = list.querySelector<HTMLElement>(`[data-metric="${METRICS.timeToFulfilled.name}"]`)!;
  completion.querySelector('.count')!.textContent = ms(p50);
  completion.querySelector('.sub')!.textContent = `p99 ${ms(p99)} · ${count} fulfilled`;
  const failed = frame.timeToFailed;
  if (failed.count > 0) timeToFailedLine(completion).textContent = `to failed p50 ${ms(failed.p50)} · p99 ${ms(failed.p99)} · ${failed.count} failed`;
  const note = byId('metrics-note');
  note.textContent =
    frame.malformedLines === 0
      ? `${frame.emfLines} EMF lines read, none malformed.`
      : `${frame.emfLines} EMF lines read, ${frame.malformedLines} malformed and ignored (last: ${frame.lastMalformed?.function ?? '?'}: ${frame.lastMalformed?.problem ?? '?'}).`;
}

/** Draws the charts for this moment: the window slides with the clock even when no frame comes. */
function renderCharts(): void {
  if (!latest) return;
  // The page and the runtime share this machine's clock (the console is served from localhost).
  const nowSecond = Math.floor(Date.now() / 1000);
  byId('throughput-chart').replaceChildren(throughputChart(latest.series, nowSecond));
  byId('latency-chart').replaceChildren(latencyChart(latest.series, nowSecond));
}

let sliding: number | undefined;

/** Shows a `metrics` frame of the feed. */
export function renderMetrics(frame: BusinessMetricsFrame): void {
  latest = frame;
  renderCounters(frame);
  renderCharts();
  sliding ??= window.setInterval(renderCharts, 1000);
}
