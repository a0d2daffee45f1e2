import type { ResourceResolver } from '../topology/access';
import { LocalAuthorizer, type RoleGrant } from './authorizer';
import type { Revocation } from './config';
import type { EmulatorThread } from './emulators';
import { LOCAL_ACCOUNT, LOCAL_ENVIRONMENT } from './names';
import { localRoles, type LocalRoles } from './roles';

export interface RoleAccess {
  readonly roles: LocalRoles;
  /** Judges the calls the emulator thread does not see: the Step Functions API's and the state machine's task invocations. */
  readonly authorizer: LocalAuthorizer;
}

/**
 * Each function, the state machine and the event source mappings act with their own role's
 * credentials, as on AWS; the runtime's own calls (resources, console) are the operator's. Every call
 * made with a role's credentials is authorized against its policy: in the emulator thread for DynamoDB
 * and SQS, here for the Step Functions API and the state machine's task invocations.
 */
export async function grantRoles(emulators: EmulatorThread, resolver: ResourceResolver, revoke: readonly Revocation[]): Promise<RoleAccess> {
  const roles = localRoles(LOCAL_ENVIRONMENT, LOCAL_ACCOUNT, resolver, revoke);
  const grants: RoleGrant[] = [...Object.values(roles.functions), roles.stateMachine].map((role) => ({ name: role.name, arn: role.arn, accessKeyId: role.credentials.accessKeyId, statements: role.statements }));
  const authorizer = new LocalAuthorizer(LOCAL_ACCOUNT, grants);
  await emulators.setRoles(grants);
  return { roles, authorizer };
}
