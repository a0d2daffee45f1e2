import { resolve } from 'node:path';
import { ENV, FUNCTION_ACCESS, STATE_MACHINE_ACCESS } from '../topology/access';
import { readEnv, type EnvReader } from '../topology/env';
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
function revocations(env: EnvReader): Revocation[] {
  const revoked: Revocation[] = [];
  for (const entry of env.list('DOFS_REVOKE') ?? []) {
    const [role = '', ...rest] = entry.split(':');
    const action = rest.join(':');
    const granted = role === STATE_MACHINE_ROLE ? STATE_MACHINE_ACCESS : (FUNCTION_KEYS as string[]).includes(role) ? FUNCTION_ACCESS[role as keyof typeof FUNCTION_ACCESS].access : undefined;
    if (!granted) env.problem(`DOFS_REVOKE names "${role.slice(0, 40)}", which is neither a function (${FUNCTION_KEYS.join(', ')}) nor ${STATE_MACHINE_ROLE}`);
    else if (!granted.some((access) => access.actions.includes(action))) env.problem(`DOFS_REVOKE takes ${action.slice(0, 60) || 'no action'} from ${role}, whose role is not granted it`);
    else revoked.push({ role, action });
  }
  return revoked;
}

export const MEMORY_DATA_DIR = ':memory:';
/** The one time-scaling setting: seconds before a failed message is received again (6x the timeout on AWS). */
export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 2;

/** The settings of `npm start`; throws a ConfigurationError naming every variable that is wrong. */
export function readSettings(env: NodeJS.ProcessEnv): LocalSettings {
  return readEnv(env, (reader) => {
    const integer = (name: string, fallback: number, min: number, max: number) => reader.number(name, fallback, { min, max, integer: true }, `an integer from ${min} to ${max}`);
    const dataDir = reader.text('DOFS_DATA_DIR') ?? './.dofs';
    // Checked here too, so every bad setting is named at once; fulfill_order reads it at its own start.
    reader.failureThreshold(ENV.failureThreshold);
    return {
      port: integer('PORT', 3000, 0, 65535),
      host: reader.text('HOST') ?? '127.0.0.1',
      dataDir: dataDir === MEMORY_DATA_DIR ? null : resolve(dataDir),
      visibilityTimeoutSeconds: integer('DOFS_VISIBILITY_TIMEOUT', DEFAULT_VISIBILITY_TIMEOUT_SECONDS, 0, 43200),
      failureThreshold: env[ENV.failureThreshold],
      revoke: revocations(reader),
    };
  });
}
