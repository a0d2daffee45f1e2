import type { PolicyCondition, PolicyStatement } from '../platform/policy';
import { stackName } from '../platform/stack-names';
import { stateKey } from '../platform/state-backend';
import { grantedActions } from '../topology/access';
import { resourceName } from '../topology/names';

/**
 * What CodeBuild needs to plan and apply DOFS stacks, each role confined to its own environment's names
 * (`dofs-<env>-*`), which the CI/CD's own names (`dofs-cicd-*`, `dofs-pipeline*`) never match. Written out
 * here, in one place, because this is the broadest access DOFS grants; the README lists what is still
 * broad and why, and test/infra/deploy-as-role.test.ts proves each grant against moto with IAM enforced.
 *
 * The target: where the CI roles plan and deploy (one account and region, and the state bucket).
 */
export interface DeployTarget {
  readonly region: string;
  readonly account: string;
  /** The bucket's name (the state_bucket variable). */
  readonly stateBucket: string;
  /**
   * DOFS_STATE_KEY_PREFIX, as the stacks read it: each environment's state key is derived from it the way
   * its stack's backend derives its own (platform/state-backend.ts), e.g. dofs/dofs-dev/terraform.tfstate.
   */
  readonly stateKeyPrefix: string;
}

/** The environments one role may plan or deploy, at the target. */
export interface Scope extends DeployTarget {
  readonly environments: readonly string[];
}

/** Every name a DOFS environment creates starts with this (resourceName's prefix); CI/CD names never do. */
export const environmentPrefix = (environment: string) => resourceName(environment, '');

/** The CI/CD's own place in names: its stack dofs-cicd, its Environment tag, its roles dofs-cicd-*. */
export const CICD_ENVIRONMENT = 'cicd';

/** The names of the CI/CD's own roles: disjoint from every deployed environment's prefix. */
export const CICD_ROLE_PREFIX = environmentPrefix(CICD_ENVIRONMENT);

const arn = (s: Scope, service: string, resource: string) => `arn:aws:${service}:${s.region}:${s.account}:${resource}`;
const each = (s: Scope, resource: (prefix: string) => string | string[]) => s.environments.flatMap((e) => resource(environmentPrefix(e)));
const bucketArn = (s: Scope) => `arn:aws:s3:::${s.stateBucket}`;
const stateObjects = (s: Scope, suffix = '') => s.environments.map((e) => `${bucketArn(s)}/${stateKey(s.stateKeyPrefix, stackName(e))}${suffix}`);

/** Mappings have generated ids; Lambda evaluates lambda:FunctionArn, the function a mapping invokes. */
const mappingFunction = (s: Scope): PolicyCondition => ({
  test: 'ArnLike',
  variable: 'lambda:FunctionArn',
  values: each(s, (p) => arn(s, 'lambda', `function:${p}*`)),
});

function logGroupArns(s: Scope): string[] {
  return each(s, (p) => [`/aws/lambda/${p}*`, `/aws/vendedlogs/apigateway/${p}*`, `/aws/vendedlogs/states/${p}*`]).flatMap((name) => [
    arn(s, 'logs', `log-group:${name}`),
    arn(s, 'logs', `log-group:${name}:*`),
  ]);
}

/** Reading every resource a DOFS stack holds: what `terraform plan` refreshes. */
export function readStatements(s: Scope): PolicyStatement[] {
  return [
    { sid: 'ReadTables', actions: ['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups', 'dynamodb:DescribeTimeToLive', 'dynamodb:ListTagsOfResource'], resources: each(s, (p) => arn(s, 'dynamodb', `table/${p}*`)) },
    // The tables' AWS-managed key, which the provider describes to tell it from a chosen key (denied, it
    // goes on silently and plans show a spurious kms_key_arn change); only through that alias.
    { sid: 'DescribeTableKey', actions: ['kms:DescribeKey'], resources: [arn(s, 'kms', 'key/*')], conditions: [{ test: 'StringEquals', variable: 'kms:RequestAlias', values: ['alias/aws/dynamodb'] }] },
    { sid: 'ReadQueues', actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListQueueTags'], resources: each(s, (p) => arn(s, 'sqs', `${p}*`)) },
    {
      sid: 'ReadFunctions',
      actions: ['lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:GetFunctionCodeSigningConfig', 'lambda:GetPolicy', 'lambda:ListVersionsByFunction', 'lambda:GetFunctionConcurrency', 'lambda:ListTags'],
      resources: each(s, (p) => arn(s, 'lambda', `function:${p}*`)),
    },
    { sid: 'ReadEventSourceMappings', actions: ['lambda:GetEventSourceMapping'], resources: [arn(s, 'lambda', 'event-source-mapping:*')], conditions: [mappingFunction(s)] },
    // Tags of a mapping (default_tags put them there): https://docs.aws.amazon.com/lambda/latest/dg/tags-esm.html
    { sid: 'ReadEventSourceMappingTags', actions: ['lambda:ListTags'], resources: [arn(s, 'lambda', 'event-source-mapping:*')] },
    { sid: 'ReadRoles', actions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'], resources: each(s, (p) => `arn:aws:iam::${s.account}:role/${p}*`) },
    { sid: 'ReadStateMachines', actions: ['states:DescribeStateMachine', 'states:ListStateMachineVersions', 'states:ListTagsForResource'], resources: each(s, (p) => arn(s, 'states', `stateMachine:${p}*`)) },
    // Validation takes no resource; it only checks a definition.
    { sid: 'ValidateStateMachines', actions: ['states:ValidateStateMachineDefinition'], resources: ['*'] },
    // HTTP APIs are named by a generated id: the narrowest scope is this region's APIs.
    { sid: 'ReadApis', actions: ['apigateway:GET'], resources: [`arn:aws:apigateway:${s.region}::/apis`, `arn:aws:apigateway:${s.region}::/apis/*`, `arn:aws:apigateway:${s.region}::/tags/*`] },
    { sid: 'ReadLogGroups', actions: ['logs:ListTagsForResource', 'logs:ListTagsLogGroup'], resources: logGroupArns(s) },
    // DescribeLogGroups is authorized per account and region, not per log group.
    { sid: 'ListLogGroups', actions: ['logs:DescribeLogGroups'], resources: [arn(s, 'logs', 'log-group:*')] },
    { sid: 'ReadRules', actions: ['events:DescribeRule', 'events:ListTargetsByRule', 'events:ListTagsForResource'], resources: each(s, (p) => arn(s, 'events', `rule/${p}*`)) },
    { sid: 'ReadAlarms', actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'], resources: each(s, (p) => arn(s, 'cloudwatch', `alarm:${p}*`)) },
    { sid: 'ReadDashboards', actions: ['cloudwatch:GetDashboard'], resources: each(s, (p) => `arn:aws:cloudwatch::${s.account}:dashboard/${p}*`) },
    { sid: 'ReadTopics', actions: ['sns:GetTopicAttributes', 'sns:ListTagsForResource', 'sns:GetSubscriptionAttributes'], resources: each(s, (p) => arn(s, 'sns', `${p}*`)) },
    // Each stack's own state object, and its lock file, which plan takes too (use_lockfile).
    { sid: 'ReadState', actions: ['s3:GetObject'], resources: stateObjects(s) },
    { sid: 'LockState', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: stateObjects(s, '.tflock') },
    // terraform init lists workspaces under the S3 backend's workspace_key_prefix ("env:"); nothing else.
    { sid: 'ListWorkspaces', actions: ['s3:ListBucket'], resources: [bucketArn(s)], conditions: [{ test: 'StringEquals', variable: 's3:prefix', values: ['env:/'] }] },
  ];
}

/** Creating, changing and deleting one environment's resources: what `terraform apply` does, on top of reading. */
export function writeStatements(s: Scope, boundaryPolicyArn: string): PolicyStatement[] {
  const roles = each(s, (p) => `arn:aws:iam::${s.account}:role/${p}*`);
  return [
    ...readStatements(s),
    { sid: 'WriteState', actions: ['s3:PutObject'], resources: stateObjects(s) },
    { sid: 'WriteTables', actions: ['dynamodb:CreateTable', 'dynamodb:UpdateTable', 'dynamodb:DeleteTable', 'dynamodb:UpdateContinuousBackups', 'dynamodb:TagResource', 'dynamodb:UntagResource'], resources: each(s, (p) => arn(s, 'dynamodb', `table/${p}*`)) },
    { sid: 'WriteQueues', actions: ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue'], resources: each(s, (p) => arn(s, 'sqs', `${p}*`)) },
    {
      sid: 'WriteFunctions',
      actions: [
        'lambda:CreateFunction', 'lambda:DeleteFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration',
        'lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency', 'lambda:AddPermission', 'lambda:RemovePermission',
        'lambda:TagResource', 'lambda:UntagResource',
      ],
      resources: each(s, (p) => arn(s, 'lambda', `function:${p}*`)),
    },
    // Create takes no resource; Update and Delete name the mapping. All three by the function it invokes.
    { sid: 'CreateEventSourceMappings', actions: ['lambda:CreateEventSourceMapping'], resources: ['*'], conditions: [mappingFunction(s)] },
    { sid: 'WriteEventSourceMappings', actions: ['lambda:UpdateEventSourceMapping', 'lambda:DeleteEventSourceMapping'], resources: [arn(s, 'lambda', 'event-source-mapping:*')], conditions: [mappingFunction(s)] },
    // Tag on create of a mapping (default_tags): only with this environment's Environment tag.
    {
      sid: 'TagEventSourceMappings',
      actions: ['lambda:TagResource'],
      resources: [arn(s, 'lambda', 'event-source-mapping:*')],
      conditions: [{ test: 'StringEquals', variable: 'aws:RequestTag/Environment', values: [...s.environments] }],
    },
    // Roles only by this environment's prefix, and only carrying its permissions boundary: a role created
    // here can never hold more than the boundary allows, whatever policy it is given.
    {
      sid: 'CreateBoundedRoles',
      actions: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary'],
      resources: roles,
      conditions: [{ test: 'StringEquals', variable: 'iam:PermissionsBoundary', values: [boundaryPolicyArn] }],
    },
    { sid: 'ManageRoles', actions: ['iam:DeleteRole', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:ListInstanceProfilesForRole'], resources: roles },
    {
      sid: 'PassRolesToDofsServices',
      actions: ['iam:PassRole'],
      resources: roles,
      conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lambda.amazonaws.com', 'states.amazonaws.com'] }],
    },
    { sid: 'WriteStateMachines', actions: ['states:CreateStateMachine', 'states:UpdateStateMachine', 'states:DeleteStateMachine', 'states:TagResource', 'states:UntagResource'], resources: each(s, (p) => arn(s, 'states', `stateMachine:${p}*`)) },
    {
      sid: 'WriteApis',
      actions: ['apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'],
      resources: [`arn:aws:apigateway:${s.region}::/apis`, `arn:aws:apigateway:${s.region}::/apis/*`, `arn:aws:apigateway:${s.region}::/tags/*`],
    },
    { sid: 'WriteLogGroups', actions: ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:TagResource', 'logs:UntagResource', 'logs:TagLogGroup', 'logs:UntagLogGroup'], resources: logGroupArns(s) },
    // Log delivery (state machine logging, API access logs) is account-wide in CloudWatch Logs.
    {
      sid: 'ConfigureLogDelivery',
      actions: ['logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies'],
      resources: ['*'],
    },
    { sid: 'WriteRules', actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets', 'events:TagResource', 'events:UntagResource'], resources: each(s, (p) => arn(s, 'events', `rule/${p}*`)) },
    { sid: 'WriteAlarms', actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'], resources: each(s, (p) => arn(s, 'cloudwatch', `alarm:${p}*`)) },
    { sid: 'WriteDashboards', actions: ['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'], resources: each(s, (p) => `arn:aws:cloudwatch::${s.account}:dashboard/${p}*`) },
    { sid: 'WriteTopics', actions: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:Unsubscribe', 'sns:TagResource', 'sns:UntagResource'], resources: each(s, (p) => arn(s, 'sns', `${p}*`)) },
  ];
}

/**
 * The permissions boundary of every role one environment's stack creates: the most any of its handlers or
 * its workflow could ever be allowed, even if a pipeline change asked for more, and never another
 * environment's data.
 */
export function boundaryStatements(s: Scope): PolicyStatement[] {
  const granted = grantedActions();
  const services = Object.keys(granted).sort().join(', ');
  if (services !== 'dynamodb, lambda, sqs, states') throw new Error(`the boundary covers dynamodb, lambda, sqs and states; the declarations grant ${services}`);
  return [
    // The actions every function's and the state machine's declaration grants (topology/access.ts), on
    // anything by the environment's prefix.
    { sid: 'DofsData', actions: granted.dynamodb ?? [], resources: each(s, (p) => arn(s, 'dynamodb', `table/${p}*`)) },
    { sid: 'DofsQueues', actions: granted.sqs ?? [], resources: each(s, (p) => arn(s, 'sqs', `${p}*`)) },
    { sid: 'DofsWorkflow', actions: granted.states ?? [], resources: each(s, (p) => arn(s, 'states', `stateMachine:${p}*`)) },
    { sid: 'DofsTasks', actions: granted.lambda ?? [], resources: each(s, (p) => arn(s, 'lambda', `function:${p}*`)) },
    { sid: 'DofsLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: each(s, (p) => arn(s, 'logs', `log-group:/aws/lambda/${p}*:*`)) },
    {
      sid: 'LogDeliveryAndTracing',
      actions: [
        'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries',
        'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
        'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets',
      ],
      resources: ['*'],
    },
  ];
}
