import { ENV } from '../../topology/access';
import { ConfigError } from './errors';

/**
 * Environment variables, read once at cold start. A missing or malformed one throws a ConfigError
 * naming it, so the function fails its init phase with that message instead of failing later.
 */
export type Env = Readonly<Record<string, string | undefined>>;

// The variable names are declared with each function's access, in topology/.
export { ENV };

/** Never fail: a fresh deployment fulfills every order; set 0.0 to send every order to the DLQ. */
export const DEFAULT_FAILURE_THRESHOLD = 1.0;

export function requireEnv(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is required but not set');
  return value;
}

export function requireArn(env: Env, name: string): string {
  const value = requireEnv(env, name);
  if (!/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(value)) throw new ConfigError(name, 'must be an ARN (arn:aws:...)');
  return value;
}

export function requireUrl(env: Env, name: string): string {
  const value = requireEnv(env, name);
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new ConfigError(name, 'must be an http(s) URL');
  }
  return value;
}

/** A whole number of seconds, or the default when unset. */
export function readSeconds(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(name, `must be a whole number of seconds (got "${raw.slice(0, 20)}")`);
  return value;
}

/** FAILURE_THRESHOLD in [0, 1]: an attempt fails when Math.random() >= threshold. */
export function readFailureThreshold(env: Env): number {
  const raw = env[ENV.failureThreshold]?.trim();
  if (!raw) return DEFAULT_FAILURE_THRESHOLD;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new ConfigError(ENV.failureThreshold, `must be a number between 0.0 and 1.0 (got "${raw.slice(0, 20)}")`);
  }
  return value;
}
