/** Small statistics for the benchmark: medians, percentiles (nearest rank) and rounding for reports. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** Rounds to a few significant places for the report; keeps integers as they are. */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export const kib = (bytes: number): string => `${round(bytes / 1024, 1)} KB`;
export const ms = (value: number): string => `${round(value, 1)} ms`;
export const usd = (value: number): string => `$${value.toFixed(2)}`;
