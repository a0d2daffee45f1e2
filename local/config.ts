import { resolve } from 'node:path';
import type { DataDir } from './emulators';

/** `npm start` settings, all from the environment (see the README's configuration table). */
export interface LocalSettings {
  readonly port: number;
  readonly host: string;
  readonly dataDir: DataDir;
  readonly visibilityTimeoutSeconds: number;
  readonly failureThreshold: string | undefined;
}

export class SettingError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'SettingError';
  }
}

export const MEMORY_DATA_DIR = ':memory:';
/** The one time-scaling setting: seconds before a failed message is received again (6x the timeout on AWS). */
export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 2;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SettingError(name, `must be an integer from ${min} to ${max} (got "${raw.slice(0, 20)}")`);
  }
  return value;
}

export function readSettings(env: NodeJS.ProcessEnv): LocalSettings {
  const dataDir = env.DOFS_DATA_DIR?.trim() || './.dofs';
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir: dataDir === MEMORY_DATA_DIR ? null : resolve(dataDir),
    visibilityTimeoutSeconds: integer(env, 'DOFS_VISIBILITY_TIMEOUT', DEFAULT_VISIBILITY_TIMEOUT_SECONDS, 0, 43200),
    failureThreshold: env.FAILURE_THRESHOLD,
  };
}
