import type { PolicyStatement } from '../stacks/access';

/**
 * What CodeBuild needs to plan and apply DOFS stacks, scoped to this project's names. Both are written
 * out here, in one place, because this is the broadest access DOFS grants; the README lists what is
 * still broad and why.
 */
export interface Scope {
  readonly region: string;
  readonly account: string;
  /** Name prefix of every DOFS application resource: "dofs-". */
  readonly prefix: string;
  readonly stateBucketArn: string;
  readonly boundaryPolicyArn: string;
}

const arn = (s: Scope, service: string, resource: string) => `arn:aws:${service}:${s.region}:${s.account}:${resource}`;

/** Reading every resource a DOFS stack holds: what `terraform plan` refreshes. */
export function readStatements(s: Scope): PolicyStatement[] {
  const p = s.prefix;
  return [
    { sid: 'ReadTables', actions: ['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups', 'dynamodb:DescribeTimeToLive', 'dynamodb:ListTagsOfResource'], resources: [arn(s, 'dynamodb', `table/${p}*`)] },
    { sid: 'ReadQueues', actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListQueueTags'], resources: [arn(s, 'sqs', `${p}*`)] },
    {
      sid: 'ReadFunctions',
      actions: ['lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:GetFunctionCodeSigningConfig', 'lambda:GetPolicy', 'lambda:ListVersionsByFunction', 'lambda:GetFunctionConcurrency', 'lambda:ListTags'],
      resources: [arn(s, 'lambda', `function:${p}*`)],
    },
    // Event source mappings are named by a generated UUID: no name prefix exists to scope them by.
    { sid: 'ReadEventSourceMappings', actions: ['lambda:GetEventSourceMapping', 'lambda:ListEventSourceMappings'], resources: ['*'] },
    { sid: 'ReadRoles', actions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListInstanceProfilesForRole'], resources: [`arn:aws:iam::${s.account}:role/${p}*`] },
    { sid: 'ReadStateMachines', actions: ['states:DescribeStateMachine', 'states:ListStateMachineVersions', 'states:ListTagsForResource'], resources: [arn(s, 'states', `stateMachine:${p}*`)] },
    // Validation takes no resource; it only checks a definition.
    { sid: 'ValidateStateMachines', actions: ['states:ValidateStateMachineDefinition'], resources: ['*'] },
    // HTTP APIs are named by a generated id: the narrowest scope is this region's APIs.
    { sid: 'ReadApis', actions: ['apigateway:GET'], resources: [`arn:aws:apigateway:${s.region}::/apis`, `arn:aws:apigateway:${s.region}::/apis/*`, `arn:aws:apigateway:${s.region}::/tags/*`] },
    { sid: 'ReadLogGroups', actions: ['logs:ListTagsForResource', 'logs:ListTagsLogGroup'], resources: logGroupArns(s) },
    // DescribeLogGroups is authorized per account and region, not per log group.
    { sid: 'ListLogGroups', actions: ['logs:DescribeLogGroups'], resources: [arn(s, 'logs', 'log-group:*')] },
    { sid: 'ReadRules', actions: ['events:DescribeRule', 'events:ListTargetsByRule', 'events:ListTagsForResource'], resources: [arn(s, 'events', `rule/${p}*`)] },
    { sid: 'ReadAlarms', actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'], resources: [arn(s, 'cloudwatch', `alarm:${p}*`)] },
    { sid: 'ReadDashboards', actions: ['cloudwatch:GetDashboard'], resources: [`arn:aws:cloudwatch::${s.account}:dashboard/${p}*`] },
    { sid: 'ReadTopics', actions: ['sns:GetTopicAttributes', 'sns:ListTagsForResource', 'sns:GetSubscriptionAttributes', 'sns:ListSubscriptionsByTopic'], resources: [arn(s, 'sns', `${p}*`)] },
    { sid: 'ListStateBucket', actions: ['s3:ListBucket'], resources: [s.stateBucketArn] },
    // Reading state, and the native lock file (use_lockfile) that plan takes too.
    { sid: 'UseState', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [`${s.stateBucketArn}/dofs/*`] },
  ];
}

function logGroupArns(s: Scope): string[] {
  return [`/aws/lambda/${s.prefix}*`, `/aws/apigateway/${s.prefix}*`, `/aws/vendedlogs/states/${s.prefix}*`].flatMap((name) => [
    arn(s, 'logs', `log-group:${name}`),
    arn(s, 'logs', `log-group:${name}:*`),
  ]);
}

/** Creating, changing and deleting DOFS resources: what `terraform apply` does, on top of reading. */
export function writeStatements(s: Scope): PolicyStatement[] {
  const p = s.prefix;
  const roles = `arn:aws:iam::${s.account}:role/${p}*`;
  return [
    ...readStatements(s),
    { sid: 'WriteTables', actions: ['dynamodb:CreateTable', 'dynamodb:UpdateTable', 'dynamodb:DeleteTable', 'dynamodb:UpdateContinuousBackups', 'dynamodb:TagResource', 'dynamodb:UntagResource'], resources: [arn(s, 'dynamodb', `table/${p}*`)] },
    { sid: 'WriteQueues', actions: ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue'], resources: [arn(s, 'sqs', `${p}*`)] },
    {
      sid: 'WriteFunctions',
      actions: [
        'lambda:CreateFunction', 'lambda:DeleteFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration',
        'lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency', 'lambda:AddPermission', 'lambda:RemovePermission',
        'lambda:TagResource', 'lambda:UntagResource',
      ],
      resources: [arn(s, 'lambda', `function:${p}*`)],
    },
    // Mappings have generated ids; Lambda checks the function they name against the statement above.
    { sid: 'WriteEventSourceMappings', actions: ['lambda:CreateEventSourceMapping', 'lambda:UpdateEventSourceMapping', 'lambda:DeleteEventSourceMapping'], resources: ['*'] },
    // Roles only by the DOFS name prefix, and only carrying the permissions boundary: a role created
    // here can never hold more than the boundary allows, whatever policy it is given.
    {
      sid: 'CreateBoundedRoles',
      actions: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:PutRolePermissionsBoundary'],
      resources: [roles],
      conditions: [{ test: 'StringEquals', variable: 'iam:PermissionsBoundary', values: [s.boundaryPolicyArn] }],
    },
    { sid: 'ManageRoles', actions: ['iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole'], resources: [roles] },
    {
      sid: 'PassRolesToDofsServices',
      actions: ['iam:PassRole'],
      resources: [roles],
      conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lambda.amazonaws.com', 'states.amazonaws.com'] }],
    },
    { sid: 'WriteStateMachines', actions: ['states:CreateStateMachine', 'states:UpdateStateMachine', 'states:DeleteStateMachine', 'states:TagResource', 'states:UntagResource'], resources: [arn(s, 'states', `stateMachine:${p}*`)] },
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
    { sid: 'WriteRules', actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets', 'events:TagResource', 'events:UntagResource'], resources: [arn(s, 'events', `rule/${p}*`)] },
    { sid: 'WriteAlarms', actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'], resources: [arn(s, 'cloudwatch', `alarm:${p}*`)] },
    { sid: 'WriteDashboards', actions: ['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'], resources: [`arn:aws:cloudwatch::${s.account}:dashboard/${p}*`] },
    { sid: 'WriteTopics', actions: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:Unsubscribe', 'sns:TagResource', 'sns:UntagResource'], resources: [arn(s, 'sns', `${p}*`)] },
  ];
}

/**
 * The permissions boundary of every role a DOFS stack creates: the most any handler or the workflow
 * could ever be allowed, even if a pipeline change asked for more.
 */
export function boundaryStatements(s: Scope): PolicyStatement[] {
  const p = s.prefix;
  return [
    { sid: 'DofsData', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], resources: [arn(s, 'dynamodb', `table/${p}*`)] },
    { sid: 'DofsQueues', actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], resources: [arn(s, 'sqs', `${p}*`)] },
    { sid: 'DofsWorkflow', actions: ['states:StartSyncExecution'], resources: [arn(s, 'states', `stateMachine:${p}*`)] },
    { sid: 'DofsTasks', actions: ['lambda:InvokeFunction'], resources: [arn(s, 'lambda', `function:${p}*`)] },
    { sid: 'DofsLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [arn(s, 'logs', `log-group:/aws/lambda/${p}*:*`)] },
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
