import { environmentOf, FUNCTION_ACCESS, type EnvName, type ResourceResolver } from '../topology/access';
import { FUNCTIONS, LAMBDA_LOGGING, type FunctionKey } from '../topology/functions';
import type { LocalRole } from './roles';

export interface FunctionEnvironmentOptions {
  readonly functionName: string;
  readonly region: string;
  readonly role: LocalRole;
  /** The emulators, by the standard AWS_ENDPOINT_URL_<SERVICE> variables the SDK reads. */
  readonly endpoints: { readonly dynamodb: string; readonly sqs: string; readonly stepfunctions: string };
  readonly resolver: ResourceResolver;
  /** Values for the settings a stack sets from its configuration (FAILURE_THRESHOLD); unset ones are left out. */
  readonly settings: Readonly<Partial<Record<EnvName, string>>>;
}

/**
 * Exactly the environment a function has on AWS: Lambda's own variables (region, name, memory, log
 * controls, the role's temporary credentials), the resource names and settings its stack gives it (from
 * its declaration in topology/access.ts), and the local endpoints. Nothing from the runtime's process.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
export function functionEnvironment(key: FunctionKey, options: FunctionEnvironmentOptions): Record<string, string> {
  const { functionName, region, role, endpoints, resolver, settings } = options;
  const declaration = FUNCTION_ACCESS[key];
  const configured = Object.fromEntries(declaration.settings.flatMap((name) => (settings[name] === undefined ? [] : [[name, settings[name]]])));
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(FUNCTIONS[key].memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'local',
    AWS_LAMBDA_LOG_FORMAT: LAMBDA_LOGGING.logFormat,
    AWS_LAMBDA_LOG_LEVEL: LAMBDA_LOGGING.applicationLogLevel,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    // on-demand, as Lambda sets it for a function without provisioned concurrency or SnapStart (same page):
    // Powertools reports cold_start only when it reads on-demand.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_ACCESS_KEY_ID: role.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: role.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: role.credentials.sessionToken,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SFN: endpoints.stepfunctions,
    ...environmentOf(declaration.access, resolver),
    ...configured,
  };
}
