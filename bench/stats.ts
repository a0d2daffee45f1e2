/** The benchmark's medians and the report's units, over the command line's percentiles and rounding (cli/stats.ts). */
import { percentile, round } from '../cli/stats';

export const median = (values: readonly number[]): number => percentile(values, 50);

export const kib = (bytes: number): string => `${round(bytes / 1024, 1)} KB`;
export const ms = (value: number): string => `${round(value, 1)} ms`;
export const usd = (value: number): string => `$${value.toFixed(2)}`;
