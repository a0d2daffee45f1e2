/**
 * The messages between the runtime and its emulator thread. Types only: the worker module starts the
 * emulators when it loads, so nothing may import a value from it.
 */
import type { RoleGrant } from './authorizer';
import type { ActiveFault, FaultSpec } from './faults';
import type { RequestCounts } from './stats';

export type WorkerRequest =
  | { type: 'counts' }
  | { type: 'faults'; add?: FaultSpec; clear?: boolean }
  | { type: 'roles'; roles: RoleGrant[] }
  | { type: 'stop' };

export type WorkerMessage =
  | { type: 'ready'; dynamodb: string; sqs: string }
  | { type: 'counts'; counts: RequestCounts; denials: Record<string, number> }
  | { type: 'roles' }
  | { type: 'faults'; faults: ActiveFault[] }
  | { type: 'stopped' };
