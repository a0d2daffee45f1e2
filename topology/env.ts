import * as v from 'valibot';

/**
 * The one reader of environment variables: the handlers at cold start, the stacks and the pipeline at
 * synth, `npm start` and the command line all read their settings through readEnv, so a value is
 * checked the same way everywhere and every problem is reported at once, each naming its variable.
 * Each check is a valibot schema over the trimmed text; an unset or blank variable is "not set".
 */
export type Env = Readonly<Record<string, string | undefined>>;

/** One or more settings are wrong: `problems` lists each, naming its variable. */
export class ConfigurationError extends Error {
  constructor(
    readonly problems: readonly string[],
    /** Given: the message is the heading and one problem per line; absent: the problems on one line. */
    heading?: string,
  ) {
    super(heading ? `${heading}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}` : problems.join('; '));
    this.name = 'ConfigurationError';
  }
}

/**
 * fulfill_order's FAILURE_THRESHOLD (its variable is named in topology/access.ts): an attempt fails when
 * Math.random() >= the threshold, so 1.0 never fails and 0.0 always does.
 */
export const FAILURE_THRESHOLD = {
  min: 0,
  max: 1,
  /** Never fail: a fresh deployment fulfills every order. */
  fallback: 1.0,
  expected: 'a number from 0.0 to 1.0',
} as const;

/** A value (from a variable, a request body or a flag) that is a FAILURE_THRESHOLD. */
export const FailureThresholdSchema = v.pipe(
  v.number(`must be ${FAILURE_THRESHOLD.expected}`),
  v.check((n) => Number.isFinite(n) && n >= FAILURE_THRESHOLD.min && n <= FAILURE_THRESHOLD.max, `must be ${FAILURE_THRESHOLD.expected}`),
);

/** Text such as "0.5" as a number; anything else (including "", "0x1", "Infinity") as NaN, which every number check refuses. */
const toNumber = v.transform((raw: string) => (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw) ? Number(raw) : Number.NaN));

const numeric = (check: (n: number) => boolean, expected: string) =>
  v.pipe(v.string(), toNumber, v.check((n) => Number.isFinite(n) && check(n), `must be ${expected}`));

const ARN = v.pipe(v.string(), v.regex(/^arn:aws[a-z-]*:[a-z0-9-]+:/, 'must be an ARN (arn:aws:...)'));
const HTTP_URL = v.pipe(
  v.string(),
  v.check((raw) => URL.canParse(raw) && /^https?:$/.test(new URL(raw).protocol), 'must be an http(s) URL'),
);

/** How much of a bad value an error quotes: enough to recognise it, never a whole secret or a page of text. */
const QUOTED = 20;

export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

/** Reads variables from one environment, collecting a problem for each bad one instead of stopping at the first. */
export class EnvReader {
  private readonly found: string[] = [];

  constructor(private readonly env: Env) {}

  get problems(): readonly string[] {
    return this.found;
  }

  /** A problem no single variable shows (two settings that disagree). */
  problem(text: string): void {
    this.found.push(text);
  }

  /** The trimmed value, or undefined when unset or blank. */
  text(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  /** The value checked by `schema`; a failure is a problem naming the variable (quoting the value when `quote`). */
  parse<T>(name: string, schema: v.GenericSchema<string, T>, options: { quote?: boolean } = {}): T | undefined {
    const raw = this.text(name);
    if (raw === undefined) return undefined;
    const result = v.safeParse(schema, raw);
    if (result.success) return result.output;
    const quoted = options.quote === false ? '' : ` (got "${raw.slice(0, QUOTED)}")`;
    this.found.push(`${name} ${result.issues[0].message}${quoted}`);
    return undefined;
  }

  /** A value that must be set; returns "" after recording the problem when it is not. */
  required(name: string, schema?: v.GenericSchema<string, string>): string {
    const raw = this.text(name);
    if (raw === undefined) {
      this.found.push(`${name} is required but not set`);
      return '';
    }
    return schema ? (this.parse(name, schema, { quote: false }) ?? '') : raw;
  }

  arn(name: string): string {
    return this.required(name, ARN);
  }

  httpUrl(name: string): string {
    return this.required(name, HTTP_URL);
  }

  /** A number in a range, or the fallback when unset (or wrong, with the problem recorded). */
  number(name: string, fallback: number, range: NumberRange, expected: string): number {
    const { min = -Infinity, max = Infinity, integer = false } = range;
    return this.parse(name, numeric((n) => n >= min && n <= max && (!integer || Number.isInteger(n)), expected)) ?? fallback;
  }

  /** A whole number of seconds (0 or more). */
  seconds(name: string, fallback: number): number {
    return this.number(name, fallback, { min: 0, integer: true }, 'a whole number of seconds');
  }

  /** A FAILURE_THRESHOLD: fulfill_order's own variable, or DOFS_FAILURE_THRESHOLD at synth. */
  failureThreshold(name: string, fallback: number = FAILURE_THRESHOLD.fallback): number {
    return this.number(name, fallback, FAILURE_THRESHOLD, FAILURE_THRESHOLD.expected);
  }

  /** One of a fixed set of words. */
  oneOf<const T extends string>(name: string, values: readonly T[], fallback: T): T {
    return this.parse(name, v.picklist(values, `must be ${values.map((value) => `"${value}"`).join(' or ')}`)) ?? fallback;
  }

  /** "true" or "false". */
  flag(name: string, fallback: boolean): boolean {
    const value = this.oneOf(name, ['true', 'false'], fallback ? 'true' : 'false');
    return value === 'true';
  }

  /** A comma-separated list, blanks dropped; undefined when unset. */
  list(name: string): string[] | undefined {
    return this.text(name)?.split(',').map((item) => item.trim()).filter(Boolean);
  }
}

/**
 * Runs `read` over `env` and returns what it built, or throws one ConfigurationError listing every
 * problem it found. `heading` makes the message a list (for people reading a synth error); without it
 * the problems are one line (a function's init error, a CLI's stderr line).
 */
export function readEnv<T>(env: Env, read: (reader: EnvReader) => T, heading?: string): T {
  const reader = new EnvReader(env);
  const value = read(reader);
  if (reader.problems.length > 0) throw new ConfigurationError(reader.problems, heading);
  return value;
}
