/**
 * Reads CloudWatch embedded metric format (EMF) log lines as CloudWatch Logs does on AWS
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 * A line is EMF when it is a JSON object with an `_aws` member. One that breaks the specification is
 * refused whole: CloudWatch extracts nothing from an invalid EMF event (it counts an EMF validation
 * error instead), so keeping part of it would count here what AWS never charts.
 */

export interface MetricSample {
  readonly name: string;
  readonly unit: string | undefined;
  /** One value, or up to 100 of them (an EMF array). */
  readonly values: readonly number[];
  /** Every dimension the metric's dimension sets name, with its value. */
  readonly dimensions: Readonly<Record<string, string>>;
}

export type EmfReading =
  /** Not an EMF document (an ordinary log line, or no JSON at all): nothing to count. */
  | { readonly kind: 'not-emf' }
  | { readonly kind: 'malformed'; readonly problem: string }
  /** Valid EMF: the samples of the namespace asked for (none when it names only others). */
  | { readonly kind: 'metrics'; readonly timestamp: number; readonly samples: readonly MetricSample[] };

// The specification's limits.
const MAX_VALUES = 100;
const MAX_METRICS_PER_DIRECTIVE = 100;
const MAX_DIMENSIONS_PER_SET = 30;
const MAX_DIMENSION_VALUE_LENGTH = 1024;
const STORAGE_RESOLUTIONS = new Set([1, 60]);

class MalformedEmf extends Error {}

function check(condition: boolean, problem: string): asserts condition {
  if (!condition) throw new MalformedEmf(problem);
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function metricValues(root: Json, name: string): number[] {
  const value = root[name];
  if (isNumber(value)) return [value];
  check(Array.isArray(value), `metric ${name} has no numeric value at the root`);
  check(value.length <= MAX_VALUES, `metric ${name} has ${value.length} values (at most ${MAX_VALUES})`);
  check(value.every(isNumber), `metric ${name} has a value that is not a number`);
  return value;
}

function dimensionKeys(directive: Json, root: Json): string[] {
  const sets = directive.Dimensions;
  check(Array.isArray(sets), 'a directive has no Dimensions array');
  const keys = new Set<string>();
  for (const set of sets) {
    check(Array.isArray(set), 'a dimension set is not an array');
    check(set.length <= MAX_DIMENSIONS_PER_SET, `a dimension set names ${set.length} dimensions (at most ${MAX_DIMENSIONS_PER_SET})`);
    for (const key of set) {
      check(typeof key === 'string', 'a dimension name is not a string');
      const value = root[key];
      check(typeof value === 'string', `dimension ${key} has no string value at the root`);
      check(value.length <= MAX_DIMENSION_VALUE_LENGTH, `dimension ${key} is longer than ${MAX_DIMENSION_VALUE_LENGTH} characters`);
      keys.add(key);
    }
  }
  return [...keys];
}

function readDirective(directive: unknown, root: Json): { namespace: string; samples: MetricSample[] } {
  check(isObject(directive), 'a CloudWatchMetrics entry is not an object');
  const namespace = directive.Namespace;
  check(typeof namespace === 'string' && namespace.length > 0, 'a directive has no Namespace');
  const keys = dimensionKeys(directive, root);
  const dimensions = Object.fromEntries(keys.map((key) => [key, root[key] as string]));
  const metrics = directive.Metrics;
  check(Array.isArray(metrics), `the ${namespace} directive has no Metrics array`);
  check(metrics.length <= MAX_METRICS_PER_DIRECTIVE, `the ${namespace} directive defines ${metrics.length} metrics (at most ${MAX_METRICS_PER_DIRECTIVE})`);
  const samples = metrics.map((definition): MetricSample => {
    check(isObject(definition) && typeof definition.Name === 'string' && definition.Name.length > 0, 'a metric definition has no Name');
    const { Name: name, Unit: unit, StorageResolution: resolution } = definition;
    check(unit === undefined || typeof unit === 'string', `metric ${name} has a Unit that is not a string`);
    check(resolution === undefined || STORAGE_RESOLUTIONS.has(resolution as number), `metric ${name} has a StorageResolution other than 1 or 60`);
    return { name, unit, values: metricValues(root, name), dimensions };
  });
  return { namespace, samples };
}

/**
 * The samples of `namespace` one line holds. A metric named by several directives of the namespace is
 * one observation (one root value) published under several dimension sets: it is kept once, with every
 * dimension they name.
 */
export function readEmfLine(line: string, namespace: string): EmfReading {
  // Cheap test first: most output lines are ordinary log lines.
  if (!line.includes('"_aws"')) return { kind: 'not-emf' };
  let root: unknown;
  try {
    root = JSON.parse(line);
  } catch {
    // It names _aws but is not one JSON document (the specification allows nothing around it).
    return line.trimStart().startsWith('{') ? { kind: 'malformed', problem: 'not valid JSON' } : { kind: 'not-emf' };
  }
  if (!isObject(root) || !('_aws' in root)) return { kind: 'not-emf' };
  try {
    const metadata = root._aws;
    check(isObject(metadata), '_aws is not an object');
    check(isNumber(metadata.Timestamp), '_aws.Timestamp is not a number of milliseconds');
    check(Array.isArray(metadata.CloudWatchMetrics), '_aws.CloudWatchMetrics is not an array');
    const kept = new Map<string, MetricSample>();
    for (const directive of metadata.CloudWatchMetrics) {
      const read = readDirective(directive, root);
      if (read.namespace !== namespace) continue;
      for (const sample of read.samples) {
        const seen = kept.get(sample.name);
        kept.set(sample.name, seen ? { ...seen, dimensions: { ...seen.dimensions, ...sample.dimensions } } : sample);
      }
    }
    return { kind: 'metrics', timestamp: metadata.Timestamp, samples: [...kept.values()] };
  } catch (error) {
    if (error instanceof MalformedEmf) return { kind: 'malformed', problem: error.message };
    throw error;
  }
}
