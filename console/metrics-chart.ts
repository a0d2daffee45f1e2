/**
 * The business metrics' chart: orders per second (accepted, fulfilled, failed) and the p50 of
 * TimeToFulfilled in each second, over the feed's window. Plain SVG polylines, redrawn as the window slides.
 */
import type { SecondPoint, ThroughputSeries } from '../local/metric-series';
import { svg } from './dom';

const VIEW = { width: 600, height: 150, left: 48, right: 8, top: 10, bottom: 22 };

/** A round top for the y axis (1, 2, 5, 10, 20, 50…) at or above the largest value. */
export function niceMax(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * magnitude).find((top) => top >= value)!;
}

/** The y axis's top as a short label: whole seconds rather than thousands of milliseconds. */
function topLabel(top: number, unit: string): string {
  return unit === 'ms' && top >= 1000 ? `${top / 1000} s` : `${top} ${unit}`;
}

interface Plot {
  readonly root: SVGSVGElement;
  readonly x: (second: number) => number;
  readonly y: (value: number) => number;
}

/** An empty chart: its frame, the y axis's top and zero, and the window's start and end on the x axis. */
function plot(label: string, windowSeconds: number, now: number, top: number, unit: string): Plot {
  const root = svg('svg', { viewBox: `0 0 ${VIEW.width} ${VIEW.height}`, role: 'img', 'aria-label': label });
  const innerWidth = VIEW.width - VIEW.left - VIEW.right;
  const innerHeight = VIEW.height - VIEW.top - VIEW.bottom;
  const x = (second: number) => VIEW.left + ((second - (now - windowSeconds)) / windowSeconds) * innerWidth;
  const y = (value: number) => VIEW.top + innerHeight - (value / top) * innerHeight;
  root.append(
    svg('line', { x1: VIEW.left, x2: VIEW.width - VIEW.right, y1: y(top), y2: y(top), class: 'grid' }),
    svg('line', { x1: VIEW.left, x2: VIEW.width - VIEW.right, y1: y(0), y2: y(0), class: 'axis' }),
    svg('text', { x: VIEW.left - 6, y: y(top) + 4, 'text-anchor': 'end', class: 'tick' }, topLabel(top, unit)),
    svg('text', { x: VIEW.left - 6, y: y(0) + 4, 'text-anchor': 'end', class: 'tick' }, '0'),
    svg('text', { x: VIEW.left, y: VIEW.height - 4, class: 'tick' }, `−${Math.round(windowSeconds / 60)} min`),
    svg('text', { x: VIEW.width - VIEW.right, y: VIEW.height - 4, 'text-anchor': 'end', class: 'tick' }, 'now'),
  );
  return { root, x, y };
}

export const THROUGHPUT_LINES = [
  { kind: 'accepted', label: 'accepted' },
  { kind: 'fulfilled', label: 'fulfilled' },
  { kind: 'failed', label: 'failed' },
] as const;

/** Orders per second: one line per kind, a point for every second of the window (zero when quiet). */
export function throughputChart(series: ThroughputSeries, nowSecond: number): SVGSVGElement {
  const { windowSeconds } = series;
  const inWindow = series.points.filter((point) => point.t > nowSecond - windowSeconds && point.t <= nowSecond);
  const bySecond = new Map(inWindow.map((point) => [point.t, point]));
  const totals = Object.fromEntries(THROUGHPUT_LINES.map(({ kind }) => [kind, inWindow.reduce((sum, point) => sum + point[kind], 0)]));
  const top = niceMax(Math.max(0, ...inWindow.flatMap((point) => THROUGHPUT_LINES.map(({ kind }) => point[kind]))));
  const described = THROUGHPUT_LINES.map(({ kind, label }) => `${totals[kind]} ${label}`).join(', ');
  const chart = plot(`Orders per second over the last ${windowSeconds / 60} minutes: ${described}`, windowSeconds, nowSecond, top, '/s');
  for (const { kind } of THROUGHPUT_LINES) {
    const points: string[] = [];
    for (let second = nowSecond - windowSeconds + 1; second <= nowSecond; second += 1) {
      points.push(`${chart.x(second).toFixed(1)},${chart.y(bySecond.get(second)?.[kind] ?? 0).toFixed(1)}`);
    }
    chart.root.append(svg('polyline', { points: points.join(' '), class: `line line-${kind}`, 'data-series': kind, 'data-total': totals[kind]! }));
  }
  return chart.root;
}

/** TimeToFulfilled p50 per second: a point for each second in which orders were fulfilled. */
export function latencyChart(series: ThroughputSeries, nowSecond: number): SVGSVGElement {
  const { windowSeconds } = series;
  const fulfilled = series.points.filter(
    (point): point is SecondPoint & { timeToFulfilledP50: number } => point.timeToFulfilledP50 !== null && point.t > nowSecond - windowSeconds && point.t <= nowSecond,
  );
  const top = niceMax(Math.max(0, ...fulfilled.map((point) => point.timeToFulfilledP50)));
  const latest = fulfilled.at(-1);
  const label = latest ? `Time to fulfilled p50 per second: latest ${latest.timeToFulfilledP50} ms` : 'Time to fulfilled p50 per second: no order fulfilled in the window';
  const chart = plot(label, windowSeconds, nowSecond, top, 'ms');
  const points = fulfilled.map((point) => `${chart.x(point.t).toFixed(1)},${chart.y(point.timeToFulfilledP50).toFixed(1)}`);
  chart.root.append(svg('polyline', { points: points.join(' '), class: 'line line-latency', 'data-series': 'time-to-fulfilled-p50', 'data-points': fulfilled.length }));
  for (const point of points) {
    const [cx, cy] = point.split(',');
    chart.root.append(svg('circle', { cx: cx!, cy: cy!, r: 2.5, class: 'dot-latency' }));
  }
  return chart.root;
}
