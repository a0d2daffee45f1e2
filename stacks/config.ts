import * as v from 'valibot';
import { boundaryVariable, CONFIGURATION_HEADING, readRegion } from '../platform/settings';
import { readStateLocation, remoteBackend, type StateBackendConfig } from '../platform/state-backend';
import { ConfigurationError, readEnv, type Env, type EnvReader } from '../topology/env';
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

export interface DofsConfig {
  readonly environment: string;
  readonly region: string;
  /** fulfill_order's FAILURE_THRESHOLD (1.0 never fails, 0.0 always does). */
  readonly failureThreshold: number;
  readonly alarmEmail: string | undefined;
  readonly logRetentionDays: number;
  readonly reservedConcurrency: Partial<Record<FunctionKey, number>>;
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly oldestMessageAgeAlarmSeconds: number;
  readonly authorizer: JwtAuthorizerConfig | undefined;
  readonly deletionProtection: boolean;
  readonly stateBackend: StateBackendConfig | undefined;
  /** Set on every role this stack creates; the CI/CD deploy role may only create roles that carry it. */
  readonly permissionsBoundaryArn: string | undefined;
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
    oldestMessageAgeAlarmSeconds: 300,
    deletionProtection: false,
  },
  prod: {
    failureThreshold: 1.0,
    logRetentionDays: 90,
    reservedConcurrency: {},
    apiThrottle: { rateLimit: 1000, burstLimit: 2000 },
    oldestMessageAgeAlarmSeconds: 300,
    deletionProtection: true,
  },
};

export const ENVIRONMENTS = Object.keys(DEFAULTS);

function readConcurrency(reader: EnvReader, fallback: Partial<Record<FunctionKey, number>>) {
  const entries = reader.list('DOFS_RESERVED_CONCURRENCY');
  if (!entries) return fallback;
  const result: Partial<Record<FunctionKey, number>> = {};
  for (const entry of entries) {
    const [key, raw] = entry.split('=');
    const value = Number(raw);
    if (!FUNCTION_KEYS.includes(key as FunctionKey)) {
      reader.problem(`DOFS_RESERVED_CONCURRENCY names an unknown function "${key}" (one of ${FUNCTION_KEYS.join(', ')})`);
    } else if (!Number.isInteger(value) || value < 0) {
      reader.problem(`DOFS_RESERVED_CONCURRENCY for ${key} must be a whole number (got "${raw}")`);
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
      reader.problem(
        `DOFS_RESERVED_CONCURRENCY for ${consumer} (${reserved}) is below the maximum concurrency (${eventSource.maximumConcurrency}) of its ${queue.baseName} event source mapping: throttled receives would count toward maxReceiveCount`,
      );
    }
  }
  return result;
}

function readAuthorizer(reader: EnvReader, region: string): JwtAuthorizerConfig | undefined {
  const userPool = reader.text('DOFS_COGNITO_USER_POOL_ID');
  const issuer = reader.text('DOFS_JWT_ISSUER') ?? (userPool && `https://cognito-idp.${region}.amazonaws.com/${userPool}`);
  const audience = reader.list('DOFS_JWT_AUDIENCE') ?? [];
  if (!issuer) {
    if (audience.length > 0) reader.problem('DOFS_JWT_AUDIENCE is set but neither DOFS_JWT_ISSUER nor DOFS_COGNITO_USER_POOL_ID is');
    return undefined;
  }
  if (!/^https:\/\/\S+$/.test(issuer)) reader.problem(`DOFS_JWT_ISSUER must be an https URL (got "${issuer}")`);
  if (audience.length === 0) reader.problem('a JWT authorizer needs DOFS_JWT_AUDIENCE (the app client ids, comma-separated)');
  return { issuer, audience };
}

const EMAIL = v.pipe(v.string(), v.regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an e-mail address'));
const POLICY_ARN = v.pipe(v.string(), v.regex(/^arn:aws[a-z-]*:iam::\d{12}:policy\/\S+$/, 'must be an IAM policy ARN'));
const LOG_RETENTION = v.pipe(
  v.string(),
  v.check((raw) => /^\d+$/.test(raw) && LOG_RETENTION_DAYS.includes(Number(raw)), `must be one of ${LOG_RETENTION_DAYS.join(', ')}`),
  v.transform(Number),
);

/** The configuration of one environment, from its defaults and DOFS_* overrides; throws listing every problem. */
export function loadConfig(environment: string, env: Env = process.env): DofsConfig {
  const defaults = DEFAULTS[environment];
  if (!defaults) throw new ConfigurationError([`unknown environment "${environment}" (one of ${ENVIRONMENTS.join(', ')})`], CONFIGURATION_HEADING);
  return readEnv(
    env,
    (reader): DofsConfig => {
      const region = readRegion(reader);
      const alarmEmail = reader.parse('DOFS_ALARM_EMAIL', EMAIL);
      const state = readStateLocation(reader, region);
      // The pipeline sets one boundary per environment; a single one may be given for every environment.
      const boundaryName = reader.text(boundaryVariable(environment)) ? boundaryVariable(environment) : 'DOFS_PERMISSIONS_BOUNDARY_ARN';
      const boundary = reader.parse(boundaryName, POLICY_ARN);
      return {
        environment,
        region,
        failureThreshold: reader.failureThreshold('DOFS_FAILURE_THRESHOLD', defaults.failureThreshold),
        alarmEmail,
        logRetentionDays: reader.parse('DOFS_LOG_RETENTION_DAYS', LOG_RETENTION) ?? defaults.logRetentionDays,
        reservedConcurrency: readConcurrency(reader, defaults.reservedConcurrency),
        apiThrottle: {
          // Number.MIN_VALUE is the smallest number above 0: any positive rate.
          rateLimit: reader.number('DOFS_API_RATE_LIMIT', defaults.apiThrottle.rateLimit, { min: Number.MIN_VALUE }, 'a positive number of requests per second'),
          burstLimit: reader.number('DOFS_API_BURST_LIMIT', defaults.apiThrottle.burstLimit, { min: 1, integer: true }, 'a positive whole number'),
        },
        oldestMessageAgeAlarmSeconds: defaults.oldestMessageAgeAlarmSeconds,
        authorizer: readAuthorizer(reader, region),
        deletionProtection: defaults.deletionProtection,
        stateBackend: remoteBackend(state),
        permissionsBoundaryArn: boundary,
      };
    },
    CONFIGURATION_HEADING,
  );
}
