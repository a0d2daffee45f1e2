import { Testing } from 'cdktf';
import { buildApp } from '../../stacks/app';
import type { TerraformJson } from '../support/synth';

/**
 * Reads every role's policy from the synthesized Terraform (role -> aws_iam_role_policy ->
 * aws_iam_policy_document) and checks it is exactly what its handler calls, on exactly its resources.
 */
type Statement = { actions: string[]; resources: string[]; effect?: string };

function rolePolicies(json: TerraformJson): Record<string, string[]> {
  const resources = json.resource;
  const documents = json.data?.aws_iam_policy_document ?? {};
  // "${aws_dynamodb_table.tables_orders_X.arn}" -> "aws_dynamodb_table:dofs-dev-orders"
  const describe = (resource: string) =>
    resource.replace(/\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_]+)\.[a-z_]+\}/g, (_, type: string, id: string) => {
      const target = resources[type]?.[id] ?? {};
      return `${type}:${String(target.name ?? target.function_name ?? id)}`;
    });
  const result: Record<string, string[]> = {};
  for (const policy of Object.values(resources.aws_iam_role_policy ?? {})) {
    const roleId = /aws_iam_role\.([A-Za-z0-9_]+)\.name/.exec(String(policy.role))![1]!;
    const roleName = String(resources.aws_iam_role![roleId]!.name);
    const documentId = /aws_iam_policy_document\.([A-Za-z0-9_]+)\.json/.exec(String(policy.policy))![1]!;
    const statements = documents[documentId]!.statement as Statement[];
    const grants = statements.flatMap((s) => {
      expect(s.effect).toBe('Allow');
      return s.actions.flatMap((action) => s.resources.map((resource) => `${action} ${describe(resource)}`));
    });
    result[roleName] = grants.sort();
  }
  return result;
}

const { stacks } = buildApp({ env: {} });
const policies = rolePolicies(JSON.parse(Testing.synth(stacks[0]!)) as TerraformJson);

const logs = (fn: string) => [
  `logs:CreateLogStream aws_cloudwatch_log_group:/aws/lambda/dofs-dev-${fn}:*`,
  `logs:PutLogEvents aws_cloudwatch_log_group:/aws/lambda/dofs-dev-${fn}:*`,
];
const xray = ['xray:PutTelemetryRecords *', 'xray:PutTraceSegments *'];
const consume = (queue: string) =>
  ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'].map((a) => `${a} aws_sqs_queue:dofs-dev-${queue}`);

const EXPECTED: Record<string, string[]> = {
  'dofs-dev-api_handler': [
    ...logs('api_handler'),
    ...xray,
    'dynamodb:GetItem aws_dynamodb_table:dofs-dev-orders',
    'states:StartSyncExecution aws_sfn_state_machine:dofs-dev-order-workflow',
  ],
  'dofs-dev-validator': [...logs('validator'), ...xray],
  'dofs-dev-order_storage': [
    ...logs('order_storage'),
    ...xray,
    'dynamodb:GetItem aws_dynamodb_table:dofs-dev-orders',
    'dynamodb:PutItem aws_dynamodb_table:dofs-dev-orders',
  ],
  'dofs-dev-fulfill_order': [...logs('fulfill_order'), ...xray, 'dynamodb:UpdateItem aws_dynamodb_table:dofs-dev-orders', ...consume('order_queue')],
  'dofs-dev-dlq_handler': [
    ...logs('dlq_handler'),
    ...xray,
    'dynamodb:GetItem aws_dynamodb_table:dofs-dev-orders',
    'dynamodb:UpdateItem aws_dynamodb_table:dofs-dev-orders',
    'dynamodb:PutItem aws_dynamodb_table:dofs-dev-failed_orders',
    ...consume('order_dlq'),
  ],
  'dofs-dev-pending_sweeper': [
    ...logs('pending_sweeper'),
    ...xray,
    'dynamodb:Query aws_dynamodb_table:dofs-dev-orders/index/by_status',
    'sqs:SendMessage aws_sqs_queue:dofs-dev-order_queue',
  ],
  'dofs-dev-order-workflow': [
    'lambda:InvokeFunction aws_lambda_function:dofs-dev-validator',
    'lambda:InvokeFunction aws_lambda_function:dofs-dev-validator:*',
    'lambda:InvokeFunction aws_lambda_function:dofs-dev-order_storage',
    'lambda:InvokeFunction aws_lambda_function:dofs-dev-order_storage:*',
    'sqs:SendMessage aws_sqs_queue:dofs-dev-order_queue',
    ...[
      'logs:CreateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:DescribeLogGroups',
      'logs:DescribeResourcePolicies',
      'logs:GetLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:UpdateLogDelivery',
    ].map((a) => `${a} *`),
    ...['xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'].map((a) => `${a} *`),
  ],
};

// The only actions AWS offers no narrower resource for (see the comments in stacks/).
const STAR_RESOURCE_ALLOWED = /^(xray:|logs:(CreateLogDelivery|DeleteLogDelivery|DescribeLogGroups|DescribeResourcePolicies|GetLogDelivery|ListLogDeliveries|PutResourcePolicy|UpdateLogDelivery)$)/;

describe('IAM: least privilege', () => {
  it('gives each role exactly the actions its handler calls, on exactly its resources', () => {
    expect(Object.keys(policies).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [role, grants] of Object.entries(EXPECTED)) {
      expect({ role, grants: policies[role] }).toEqual({ role, grants: [...grants].sort() });
    }
  });

  it('has no wildcard action, and a * resource only where AWS offers nothing narrower', () => {
    for (const [role, grants] of Object.entries(policies)) {
      for (const grant of grants) {
        const [action, resource] = grant.split(' ');
        expect({ role, action, wildcardAction: action!.includes('*') }).toEqual({ role, action, wildcardAction: false });
        if (resource === '*') expect({ role, action, allowed: STAR_RESOURCE_ALLOWED.test(action!) }).toEqual({ role, action, allowed: true });
      }
    }
  });

  it('lets only the service that runs each role assume it', () => {
    const json = JSON.parse(Testing.synth(stacks[0]!)) as TerraformJson;
    const documents = json.data!.aws_iam_policy_document!;
    for (const role of Object.values(json.resource.aws_iam_role!)) {
      const documentId = /aws_iam_policy_document\.([A-Za-z0-9_]+)\.json/.exec(String(role.assume_role_policy))![1]!;
      const [statement] = documents[documentId]!.statement as { actions: string[]; principals: { type: string; identifiers: string[] }[] }[];
      const service = String(role.name).endsWith('order-workflow') ? 'states.amazonaws.com' : 'lambda.amazonaws.com';
      expect(statement).toEqual({ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: [service] }] });
    }
  });
});
