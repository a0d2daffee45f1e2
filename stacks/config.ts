import { FUNCTION_KEYS, type FunctionKey } from '../topology/functions';
import { QUEUE_CONSUMERS } from '../topology/queues';

/**
 * Everything a deployment can vary, in one typed place, checked at synth. Defaults per environment
 * below; each can be overridden by a DOFS_* environment variable (see the README's table).
 */
export interface JwtAuthorizerConfig {
  /** e.g. https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf or any OIDC issuer. */
  readonly issuer: string;
  readonly audience: readonly string[];
}

export interface StateBackendConfig {
  readonly bucket: string;
  readonly region: string;
  readonly keyPrefix: string;
}

export interface DofsConfig {
  readonly environment: string;
  readonly region: string;
  /** fulfill_order's FAILURE_THRESHOLD (1.0 never fails, 0.0 always does). */
  readonly failureThreshold: number;
  readonly alarmEmail: string | undefined;
  readonly logRetentionDays: number;
  readonly reservedConcurrency: Partial<Record<FunctionKey, number>>;
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Failed executions per 5 minutes that raise the alarm (invalid orders end FAILED by design). */
  readonly failedExecutionsAlarmThreshold: number;
  readonly oldestMessageAgeAlarmSeconds: number;
  readonly authorizer: JwtAuthorizerConfig | undefined;
  readonly deletionProtection: boolean;
  readonly stateBackend: StateBackendConfig | undefined;
  /** Set on every role this stack creates; the CI/CD deploy role may only create roles that carry it. */
  readonly permissionsBoundaryArn: string | undefined;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid DOFS configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

type Defaults = Omit<DofsConfig, 'environment' | 'region' | 'alarmEmail' | 'authorizer' | 'stateBackend' | 'permissionsBoundaryArn'>;

const DEFAULTS: Record<string, Defaults> = {
  dev: {
    failureThreshold: 1.0,
    logRetentionDays: 14,
    reservedConcurrency: {},
    apiThrottle: { rateLimit: 100, burstLimit: 200 },
    failedExecutionsAlarmThreshold: 25,
    oldestMessageAgeAlarmSeconds: 300,
    deletionProtection: false,
  },
  prod: {
    failureThreshold: 1.0,
    logRetentionDays: 90,
    reservedConcurrency: {},
    apiThrottle: { rateLimit: 1000, burstLimit: 2000 },
    failedExecutionsAlarmThreshold: 100,
    oldestMessageAgeAlarmSeconds: 300,
    deletionProtection: true,
  },
};

export const ENVIRONMENTS = Object.keys(DEFAULTS);

/** The variable naming one environment's permissions boundary: DOFS_PERMISSIONS_BOUNDARY_ARN_DEV. */
export const boundaryVariable = (environment: string) => `DOFS_PERMISSIONS_BOUNDARY_ARN_${environment.toUpperCase()}`;

type Env = Readonly<Record<string, string | undefined>>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  number(name: string, fallback: number, check: (n: number) => boolean, expected: string): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || !check(value)) {
      this.problems.push(`${name} must be ${expected} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  list(name: string): string[] | undefined {
    return this.string(name)?.split(',').map((item) => item.trim()).filter(Boolean);
  }
}

function readConcurrency(reader: Reader, fallback: Partial<Record<FunctionKey, number>>) {
  const entries = reader.list('DOFS_RESERVED_CONCURRENCY');
  if (!entries) return fallback;
  const result: Partial<Record<FunctionKey, number>> = {};
  for (const entry of entries) {
    const [key, raw] = entry.split('=');
    const value = Number(raw);
    if (!FUNCTION_KEYS.includes(key as FunctionKey)) {
      reader.problems.push(`DOFS_RESERVED_CONCURRENCY names an unknown function "${key}" (one of ${FUNCTION_KEYS.join(', ')})`);
    } else if (!Number.isInteger(value) || value < 0) {
      reader.problems.push(`DOFS_RESERVED_CONCURRENCY for ${key} must be a whole number (got "${raw}")`);
    } else {
      result[key as FunctionKey] = value;
    }
  }
  // A queue's poller may run maximum_concurrency invocations at once; below that, Lambda throttles the
  // rest, and every throttled receive counts toward maxReceiveCount, so orders would reach order_dlq
  // without three real attempts:
  // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html#events-sqs-max-concurrency
  for (const { queue, consumer, eventSource } of QUEUE_CONSUMERS) {
    const reserved = result[consumer];
    if (reserved !== undefined && reserved < eventSource.maximumConcurrency) {
      reader.problems.push(
        `DOFS_RESERVED_CONCURRENCY for ${consumer} (${reserved}) is below the maximum concurrency (${eventSource.maximumConcurrency}) of its ${queue.baseName} event source mapping: throttled receives would count toward maxReceiveCount`,
      );
    }
  }
  return result;
}

function readAuthorizer(reader: Reader, region: string): JwtAuthorizerConfig | undefined {
  const userPool = reader.string('DOFS_COGNITO_USER_POOL_ID');
  const issuer = reader.string('DOFS_JWT_ISSUER') ?? (userPool && `https://cognito-idp.${region}.amazonaws.com/${userPool}`);
  const audience = reader.list('DOFS_JWT_AUDIENCE') ?? [];
  if (!issuer) {
    if (audience.length > 0) reader.problems.push('DOFS_JWT_AUDIENCE is set but neither DOFS_JWT_ISSUER nor DOFS_COGNITO_USER_POOL_ID is');
    return undefined;
  }
  if (!/^https:\/\/\S+$/.test(issuer)) reader.problems.push(`DOFS_JWT_ISSUER must be an https URL (got "${issuer}")`);
  if (audience.length === 0) reader.problems.push('a JWT authorizer needs DOFS_JWT_AUDIENCE (the app client ids, comma-separated)');
  return { issuer, audience };
}

/** The configuration of one environment, from its defaults and DOFS_* overrides; throws listing every problem. */
export function loadConfig(environment: string, env: Env = process.env): DofsConfig {
  const defaults = DEFAULTS[environment];
  if (!defaults) throw new ConfigurationError([`unknown environment "${environment}" (one of ${ENVIRONMENTS.join(', ')})`]);
  const reader = new Reader(env);
  const region = reader.string('DOFS_REGION') ?? reader.string('AWS_REGION') ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) reader.problems.push(`DOFS_REGION must be an AWS region such as us-east-1 (got "${region}")`);

  const alarmEmail = reader.string('DOFS_ALARM_EMAIL');
  if (alarmEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) reader.problems.push(`DOFS_ALARM_EMAIL must be an e-mail address (got "${alarmEmail}")`);

  const stateBucket = reader.string('DOFS_STATE_BUCKET');
  if (stateBucket && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(stateBucket)) reader.problems.push(`DOFS_STATE_BUCKET must be an S3 bucket name (got "${stateBucket}")`);

  // The pipeline sets one boundary per environment; a single one may be given for every environment.
  const boundaryName = reader.string(boundaryVariable(environment)) ? boundaryVariable(environment) : 'DOFS_PERMISSIONS_BOUNDARY_ARN';
  const boundary = reader.string(boundaryName);
  if (boundary && !/^arn:aws[a-z-]*:iam::\d{12}:policy\/\S+$/.test(boundary)) {
    reader.problems.push(`${boundaryName} must be an IAM policy ARN (got "${boundary}")`);
  }

  const config: DofsConfig = {
    environment,
    region,
    failureThreshold: reader.number('DOFS_FAILURE_THRESHOLD', defaults.failureThreshold, (n) => n >= 0 && n <= 1, 'a number from 0.0 to 1.0'),
    alarmEmail,
    logRetentionDays: reader.number('DOFS_LOG_RETENTION_DAYS', defaults.logRetentionDays, (n) => LOG_RETENTION_DAYS.includes(n), `one of ${LOG_RETENTION_DAYS.join(', ')}`),
    reservedConcurrency: readConcurrency(reader, defaults.reservedConcurrency),
    apiThrottle: {
      rateLimit: reader.number('DOFS_API_RATE_LIMIT', defaults.apiThrottle.rateLimit, (n) => n > 0, 'a positive number of requests per second'),
      burstLimit: reader.number('DOFS_API_BURST_LIMIT', defaults.apiThrottle.burstLimit, (n) => Number.isInteger(n) && n > 0, 'a positive whole number'),
    },
    failedExecutionsAlarmThreshold: defaults.failedExecutionsAlarmThreshold,
    oldestMessageAgeAlarmSeconds: defaults.oldestMessageAgeAlarmSeconds,
    authorizer: readAuthorizer(reader, region),
    deletionProtection: defaults.deletionProtection,
    stateBackend: stateBucket
      ? { bucket: stateBucket, region: reader.string('DOFS_STATE_REGION') ?? region, keyPrefix: reader.string('DOFS_STATE_KEY_PREFIX') ?? 'dofs' }
      : undefined,
    permissionsBoundaryArn: boundary,
  };
  if (reader.problems.length > 0) throw new ConfigurationError(reader.problems);
  return config;
}
