import { Testing } from 'cdktf';
import { buildApp } from '../../app/build-app';
import { FUNCTION_ACCESS, STATE_MACHINE_ACCESS, type Access, type ResourceRef } from '../../topology/access';
import { FUNCTION_KEYS } from '../../topology/functions';
import type { TerraformJson } from '../support/synth';

/**
 * Reads every role's policy from the synthesized Terraform (role -> aws_iam_role_policy ->
 * aws_iam_policy_document) and checks it is exactly what its declaration grants, on exactly its
 * resources. That each grant is needed, and each call granted, is proven at run time (issue 14's sweep).
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

/** A declared resource as rolePolicies describes the synthesized one. */
function described(ref: ResourceRef): string[] {
  switch (ref.kind) {
    case 'table':
      return [`aws_dynamodb_table:dofs-dev-${ref.table}${ref.index ? `/index/${ref.index}` : ''}`];
    case 'queue':
      return [`aws_sqs_queue:dofs-dev-${ref.queue}`];
    case 'stateMachine':
      return ['aws_sfn_state_machine:dofs-dev-order-workflow'];
    case 'function':
      return [`aws_lambda_function:dofs-dev-${ref.function}`, `aws_lambda_function:dofs-dev-${ref.function}:*`];
  }
}
const grantsOf = (access: readonly Access[]) => access.flatMap((entry) => entry.actions.flatMap((action) => entry.resources.flatMap(described).map((resource) => `${action} ${resource}`)));

// Each role holds exactly what its declaration (topology/access.ts) grants, plus what every function or
// the state machine needs to run at all: its own logs and X-Ray; for the state machine, log delivery.
const EXPECTED: Record<string, string[]> = {
  ...Object.fromEntries(FUNCTION_KEYS.map((key) => [`dofs-dev-${key}`, [...logs(key), ...xray, ...grantsOf(FUNCTION_ACCESS[key].access)]])),
  'dofs-dev-order-workflow': [
    ...grantsOf(STATE_MACHINE_ACCESS),
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
