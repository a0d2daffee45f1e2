import { resolve } from 'node:path';
import { FUNCTION_ACCESS, STATE_MACHINE_ACCESS } from '../topology/access';
import { FUNCTION_KEYS } from '../topology/functions';
import type { DataDir } from './emulators';

/** `npm start` settings, all from the environment (see the README's configuration table). */
export interface LocalSettings {
  readonly port: number;
  readonly host: string;
  readonly dataDir: DataDir;
  readonly visibilityTimeoutSeconds: number;
  readonly failureThreshold: string | undefined;
  /** Grants taken from roles (DOFS_REVOKE): what a function does when its role lacks an action. */
  readonly revoke: readonly Revocation[];
}

/** One action taken from one role: a function's key, or the state machine's (`order-workflow`). */
export interface Revocation {
  readonly role: string;
  readonly action: string;
}

export const STATE_MACHINE_ROLE = 'order-workflow';

/** DOFS_REVOKE=fulfill_order:dynamodb:UpdateItem,order-workflow:sqs:SendMessage */
function revocations(env: NodeJS.ProcessEnv): Revocation[] {
  const raw = env.DOFS_REVOKE?.trim();
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const [role = '', ...rest] = entry.trim().split(':');
    const action = rest.join(':');
    const granted = role === STATE_MACHINE_ROLE ? STATE_MACHINE_ACCESS : (FUNCTION_KEYS as string[]).includes(role) ? FUNCTION_ACCESS[role as keyof typeof FUNCTION_ACCESS].access : undefined;
    if (!granted) throw new SettingError('DOFS_REVOKE', `names "${role.slice(0, 40)}", which is neither a function (${FUNCTION_KEYS.join(', ')}) nor ${STATE_MACHINE_ROLE}`);
    if (!granted.some((access) => access.actions.includes(action))) throw new SettingError('DOFS_REVOKE', `takes ${action.slice(0, 60) || 'no action'} from ${role}, whose role is not granted it`);
    return { role, action };
  });
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
    revoke: revocations(env),
  };
}
