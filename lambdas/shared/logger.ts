import { Logger } from '@aws-lambda-powertools/logger';
import type { FunctionKey } from '../../topology/functions';

/** One Powertools JSON logger per function; service name and function key are on every line. */
export function createLogger(functionKey: FunctionKey): Logger {
  return new Logger({ serviceName: 'dofs', persistentKeys: { function: functionKey } });
}

export type { Logger };
