import { randomBytes } from 'node:crypto';
import { FUNCTION_ACCESS, STATE_MACHINE_ACCESS, statementsOf, type PolicyStatement, type ResourceResolver } from '../topology/access';
import { FUNCTION_KEYS, type FunctionKey } from '../topology/functions';
import { resourceName } from '../topology/names';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** A role the local runtime acts as: its name and ARN, the credentials that identify it, and its policy. */
export interface LocalRole {
  readonly name: string;
  readonly arn: string;
  readonly credentials: Credentials;
  readonly statements: readonly PolicyStatement[];
}

export interface LocalRoles {
  readonly functions: Readonly<Record<FunctionKey, LocalRole>>;
  readonly stateMachine: LocalRole;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Temporary credentials shaped like the ones Lambda hands a function (an ASIA... key, a session token). */
function issueCredentials(): Credentials {
  const key = [...randomBytes(16)].map((byte) => BASE32[byte % 32]).join('');
  return { accessKeyId: `ASIA${key}`, secretAccessKey: randomBytes(30).toString('base64'), sessionToken: randomBytes(48).toString('base64') };
}

/**
 * The roles of one local environment, as the stack creates them (same names, same statements from
 * topology/access.ts), each with fresh credentials for this run. The role's own logs and X-Ray grants
 * are left out: nothing local calls those services.
 */
export function localRoles(environment: string, account: string, resolver: ResourceResolver, revoke: readonly { role: string; action: string }[] = []): LocalRoles {
  const role = (key: string, statements: PolicyStatement[]): LocalRole => {
    const name = resourceName(environment, key);
    const taken = new Set(revoke.filter((r) => r.role === key).map((r) => r.action));
    const kept = statements.map((s) => ({ ...s, actions: s.actions.filter((action) => !taken.has(action)) })).filter((s) => s.actions.length > 0);
    return { name, arn: `arn:aws:iam::${account}:role/${name}`, credentials: issueCredentials(), statements: kept };
  };
  return {
    functions: Object.fromEntries(FUNCTION_KEYS.map((key) => [key, role(key, statementsOf(FUNCTION_ACCESS[key].access, resolver))])) as Record<FunctionKey, LocalRole>,
    stateMachine: role('order-workflow', statementsOf(STATE_MACHINE_ACCESS, resolver)),
  };
}
