import { createMetrics, type Metrics } from '../../lambdas/shared/metrics';
import type { FunctionKey } from '../../topology/functions';
import { METRICS } from '../../topology/metrics';

/** The environment the handlers under test are told they run in (their `environment` dimension). */
export const TEST_ENVIRONMENT = 'test';

/** Metrics as a handler's index creates them, for the test environment; their EMF lines are printed, as Lambda would. */
export const testMetrics = (): Metrics => createMetrics(TEST_ENVIRONMENT);

/** One metric of one EMF line, as CloudWatch reads it. */
export interface EmittedMetric {
  namespace: string;
  name: string;
  unit: string;
  /** The line's value for it: one, or several when the invocation recorded it more than once. */
  values: number[];
  /** Its dimension set, with each dimension's value from the line. */
  dimensions: Record<string, string>;
}

/** The EMF document of an ordinary line, or undefined for any other line (a log line, say). */
function emfDocument(line: string): Record<string, unknown> | undefined {
  if (!line.includes('"_aws"')) return undefined;
  const parsed = JSON.parse(line) as Record<string, unknown>;
  return '_aws' in parsed ? parsed : undefined;
}

interface Directive {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit: string }[];
}

function metricsOf(document: Record<string, unknown>): EmittedMetric[] {
  const { CloudWatchMetrics } = document._aws as { CloudWatchMetrics: Directive[] };
  return CloudWatchMetrics.flatMap((directive) => {
    // Each DOFS metric is published under exactly one dimension set, the one its alarms and charts name.
    if (directive.Dimensions.length !== 1) throw new Error(`expected one dimension set, got ${JSON.stringify(directive.Dimensions)}`);
    const dimensions = Object.fromEntries(directive.Dimensions[0]!.map((name) => [name, document[name] as string]));
    return directive.Metrics.map((definition) => ({
      namespace: directive.Namespace,
      name: definition.Name,
      unit: definition.Unit,
      values: [document[definition.Name] as number | number[]].flat(),
      dimensions,
    }));
  });
}

/** Every metric the EMF lines among `lines` hold, in order (other lines are skipped). */
export function metricsIn(lines: readonly string[]): EmittedMetric[] {
  return lines.flatMap((line) => {
    const document = emfDocument(line);
    return document ? metricsOf(document) : [];
  });
}

/**
 * Captures what is printed to stdout during each test, line by line, instead of printing it. Powertools
 * Metrics writes each EMF line there through a Console of its own (one per Metrics instance, single-metric
 * emitters included), as its Logger writes INFO lines; a Console looks the stream's `write` up at each
 * line, so a spy on process.stdout.write sees every line, whenever its writer was made.
 */
export function useStdoutCapture() {
  let written: string[] = [];
  let spy: jest.SpyInstance | undefined;
  beforeEach(() => {
    written = [];
    spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
  });
  afterEach(() => spy?.mockRestore());
  return { lines: (): string[] => written.join('').split('\n').filter((line) => line.length > 0) };
}

/** Captures the EMF lines printed during each test (see useStdoutCapture). */
export function useEmfCapture() {
  const stdout = useStdoutCapture();
  const emfLines = () => stdout.lines().filter((line) => emfDocument(line) !== undefined);
  return {
    /** The EMF lines printed since the test began, as printed. */
    lines: emfLines,
    /** Every metric those lines hold, in the order printed. */
    emitted: (): EmittedMetric[] => metricsIn(emfLines()),
  };
}

/** What a business metric of the test environment looks like on its EMF line: namespace DOFS, service dofs. */
export function businessMetric(name: string, unit: 'Count' | 'Milliseconds', values: number[], extraDimension: Record<string, string> = {}): EmittedMetric {
  return { namespace: 'DOFS', name, unit, values, dimensions: { service: 'dofs', environment: TEST_ENVIRONMENT, ...extraDimension } };
}

/** The names among `emitted` that topology/metrics.ts does not declare as `functionKey`'s. */
export function undeclaredFor(functionKey: FunctionKey, emitted: readonly EmittedMetric[]): string[] {
  const declared = new Set(Object.values(METRICS).filter((metric) => (metric.emittedBy as readonly string[]).includes(functionKey)).map((metric) => metric.name));
  return emitted.map((metric) => metric.name).filter((name) => !declared.has(name));
}
