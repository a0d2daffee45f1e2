import type { FunctionKey } from '../topology/functions';
import { resourceName } from '../topology/names';

/** The environment the local runtime's resources are named for (dofs-local-api_handler, ...). */
export const LOCAL_ENVIRONMENT = 'local';
/** The region local ARNs name and SDK clients sign for (the emulators answer in any). */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

const arn = (service: string, resource: string) => `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;

/** A function's name as the stack gives it. */
export const localFunctionName = (key: FunctionKey) => resourceName(LOCAL_ENVIRONMENT, key);
export const localFunctionArn = (key: FunctionKey) => arn('lambda', `function:${localFunctionName(key)}`);
export const localTableArn = (name: string) => arn('dynamodb', `table/${name}`);
export const LOCAL_STATE_MACHINE_ARN = arn('states', `stateMachine:${resourceName(LOCAL_ENVIRONMENT, 'order-workflow')}`);
