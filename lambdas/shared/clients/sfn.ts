import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * StartSyncExecution is served from a `sync-` host prefix on AWS. An endpoint override (the local
 * runtime's AWS_ENDPOINT_URL_SFN) is a plain address that must be used as is.
 */
export function createSfnClient(env: NodeJS.ProcessEnv = process.env): SFNClient {
  return new SFNClient({ disableHostPrefix: Boolean(env.AWS_ENDPOINT_URL_SFN ?? env.AWS_ENDPOINT_URL) });
}
