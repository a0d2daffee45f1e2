import { Testing } from 'cdktf';
import { buildApp } from '../../app/build-app';
import { SECURITY_EXCEPTIONS } from '../../stacks/security-exceptions';
import { resourcesOf, type TerraformJson } from '../support/synth';

/**
 * One test per checkov/trivy rule DOFS follows, run on the synthesized Terraform of every stack.
 * The rules it deliberately does not follow are listed, with reasons, in stacks/security-exceptions.ts.
 */
function synthAll(env: Record<string, string>) {
  const { stacks, cicd, bootstrap } = buildApp({ env });
  const parse = (stack: Parameters<typeof Testing.synth>[0]) => JSON.parse(Testing.synth(stack)) as TerraformJson;
  return { dev: parse(stacks[0]!), prod: parse(stacks[1]!), cicd: parse(cicd), bootstrap: parse(bootstrap) };
}

const defaults = synthAll({});
const configured = synthAll({ DOFS_JWT_ISSUER: 'https://issuer.example.com', DOFS_JWT_AUDIENCE: 'dofs', DOFS_RESERVED_CONCURRENCY: 'api_handler=50', DOFS_PIPELINE_SOURCE: 'token' });
const all = [...Object.values(defaults), ...Object.values(configured)];
/**
 * Every resource of a type across the stacks, asserted non-empty: a rule over resources the stacks don't
 * have would pass without checking anything.
 */
const every = (type: string) => {
  const found = all.flatMap((stack) => resourcesOf(stack, type));
  if (found.length === 0) throw new Error(`no ${type} in any stack: the rule would check nothing`);
  return found;
};
const policyDocuments = () => {
  const documents = all.flatMap((stack) => Object.entries(stack.data?.aws_iam_policy_document ?? {}));
  if (documents.length === 0) throw new Error('no aws_iam_policy_document in any stack: the rule would check nothing');
  return documents;
};

const SECRET_PATTERNS = [/AKIA[0-9A-Z]{16}/, /gh[pousr]_[A-Za-z0-9]{20,}/, /github_pat_/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /aws_secret_access_key/i];
const SECRET_NAMES = /(secret|password|passwd|token|private_?key|api_?key|credential)/i;

let checked = 0;
const rule = (id: string, title: string, check: () => void) =>
  it(`${id}: ${title}`, () => {
    check();
    checked += 1;
  });

describe('Security checks on the synthesized Terraform (checkov / trivy rules)', () => {
  afterAll(() => {
    process.stdout.write(`security: checks=${checked} exceptions=${SECURITY_EXCEPTIONS.length} (${SECURITY_EXCEPTIONS.map((e) => e.rule).join(', ')})\n`);
  });

  rule('CKV_AWS_27', 'SQS queues are encrypted', () => {
    for (const queue of every('aws_sqs_queue')) expect(queue.sqs_managed_sse_enabled === true || Boolean(queue.kms_master_key_id)).toBe(true);
  });

  rule('CKV_AWS_168', 'no SQS queue policy allows every principal', () => {
    // Vacuous for queue policies: the stacks write none (access is granted by the roles' own policies).
    expect(all.flatMap((stack) => resourcesOf(stack, 'aws_sqs_queue_policy'))).toEqual([]);
    // What the DLQ does say about other queues: only order_queue may redrive into it.
    for (const allow of every('aws_sqs_queue_redrive_allow_policy')) expect(JSON.parse(String(allow.redrive_allow_policy))).toMatchObject({ redrivePermission: 'byQueue' });
  });

  rule('CKV_AWS_28', 'DynamoDB tables have point-in-time recovery', () => {
    for (const table of every('aws_dynamodb_table')) expect(table.point_in_time_recovery).toEqual({ enabled: true });
  });

  rule('DynamoDB encryption at rest (CKV_AWS_119 with the AWS-managed key)', 'server-side encryption is on', () => {
    for (const table of every('aws_dynamodb_table')) expect(table.server_side_encryption).toEqual({ enabled: true });
  });

  rule('CKV_AWS_66', 'every log group has a retention period', () => {
    for (const group of every('aws_cloudwatch_log_group')) expect(group.retention_in_days).toBeGreaterThan(0);
  });

  rule('CKV_AWS_76', 'the API stage writes access logs', () => {
    for (const stage of every('aws_apigatewayv2_stage')) expect(stage.access_log_settings).toMatchObject({ destination_arn: expect.any(String), format: expect.any(String) });
  });

  rule('Serverless lens', 'the API stage throttles', () => {
    for (const stage of every('aws_apigatewayv2_stage')) {
      expect(stage.default_route_settings).toMatchObject({ throttling_rate_limit: expect.any(Number), throttling_burst_limit: expect.any(Number) });
    }
  });

  rule('CKV_AWS_309', 'route authorization is configurable: with an authorizer, every route requires it', () => {
    const routes = resourcesOf(configured.dev, 'aws_apigatewayv2_route');
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) expect(route.authorization_type).toBe('JWT');
    expect(SECURITY_EXCEPTIONS.map((e) => e.rule)).toContain('CKV_AWS_309');
  });

  rule('CKV_AWS_50', 'Lambda functions trace with X-Ray', () => {
    for (const fn of every('aws_lambda_function')) expect(fn.tracing_config).toEqual({ mode: 'Active' });
  });

  rule('CKV_AWS_363', 'Lambda functions use a supported runtime', () => {
    for (const fn of every('aws_lambda_function')) expect(['nodejs22.x', 'nodejs24.x']).toContain(fn.runtime);
  });

  rule('CKV_AWS_115', 'reserved concurrency is configurable', () => {
    const api = resourcesOf(configured.dev, 'aws_lambda_function').find((fn) => fn.function_name === 'dofs-dev-api_handler');
    expect(api!.reserved_concurrent_executions).toBe(50);
  });

  rule('AWS-0067 (trivy)', 'every Lambda permission is scoped by source ARN', () => {
    for (const permission of every('aws_lambda_permission')) {
      expect(String(permission.source_arn)).toMatch(/^\$\{(aws_apigatewayv2_api\.\w+\.execution_arn\}\/|aws_cloudwatch_event_rule\.\w+\.arn\}$)/);
    }
  });

  rule('CKV_AWS_284 / CKV_AWS_285', 'state machines trace, and log without execution data', () => {
    for (const machine of every('aws_sfn_state_machine')) {
      expect(machine.tracing_configuration).toEqual({ enabled: true });
      expect(machine.logging_configuration).toMatchObject({ level: expect.stringMatching(/^(ERROR|ALL|FATAL)$/), include_execution_data: false });
    }
  });

  // CKV_AWS_26 is an exception (the alarm topic); what must hold is that no topic CloudWatch alarms publish
  // to uses an AWS-managed key, whose policy cannot allow cloudwatch.amazonaws.com:
  // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
  rule('DOFS-SNS-1', 'no alarm topic is encrypted with an AWS-managed key CloudWatch cannot use', () => {
    for (const topic of every('aws_sns_topic')) expect(String(topic.kms_master_key_id ?? '')).not.toMatch(/^alias\/aws\//);
  });

  const buckets = () => every('aws_s3_bucket').length;
  rule('CKV2_AWS_6', 'every S3 bucket blocks all public access', () => {
    const blocks = every('aws_s3_bucket_public_access_block');
    expect(blocks).toHaveLength(buckets());
    for (const block of blocks) expect(block).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
  });

  rule('CKV_AWS_21', 'every S3 bucket is versioned', () => {
    const versioning = every('aws_s3_bucket_versioning');
    expect(versioning).toHaveLength(buckets());
    for (const v of versioning) expect(v.versioning_configuration).toEqual({ status: 'Enabled' });
  });

  rule('CKV_AWS_145', 'every S3 bucket is encrypted with KMS', () => {
    const encryption = every('aws_s3_bucket_server_side_encryption_configuration');
    expect(encryption).toHaveLength(buckets());
    for (const e of encryption) expect((e.rule as { apply_server_side_encryption_by_default: { sse_algorithm: string } }[])[0]!.apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
  });

  rule('S3 TLS only (AWS Foundational S3.5)', 'every bucket policy denies requests without TLS', () => {
    const policies = every('aws_s3_bucket_policy');
    expect(policies).toHaveLength(buckets());
    const documents = policyDocuments();
    for (const policy of policies) {
      const id = /aws_iam_policy_document\.(\w+)\.json/.exec(String(policy.policy))![1]!;
      const [, doc] = documents.find(([name]) => name === id)!;
      expect(doc.statement).toEqual([expect.objectContaining({ effect: 'Deny', condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] })]);
    }
  });

  rule('CKV2_AWS_61', 'the artifact bucket expires what it stores', () => {
    expect(resourcesOf(defaults.cicd, 'aws_s3_bucket_lifecycle_configuration')).toHaveLength(1);
  });

  rule('CKV_AWS_316 / CKV_AWS_314 / CKV_AWS_78', 'CodeBuild is not privileged, logs to CloudWatch, encrypts its output', () => {
    for (const project of every('aws_codebuild_project')) {
      expect(project).toMatchObject({ environment: { privileged_mode: false }, logs_config: { cloudwatch_logs: { status: 'ENABLED' } }, encryption_key: expect.any(String) });
    }
  });

  rule('CKV_AWS_219', 'the pipeline artifact store uses a customer-managed KMS key', () => {
    for (const pipeline of every('aws_codepipeline')) {
      expect(pipeline.artifact_store).toEqual([expect.objectContaining({ encryption_key: { id: expect.stringMatching(/aws_kms_key\./), type: 'KMS' } })]);
    }
    for (const key of every('aws_kms_key')) expect(key.enable_key_rotation).toBe(true);
  });

  rule('CKV_AWS_45', 'no secrets in Lambda or CodeBuild environment variables', () => {
    const lambdaVars = every('aws_lambda_function').flatMap((fn) => Object.entries((fn.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {}));
    const buildVars = every('aws_codebuild_project').flatMap((p) => ((p.environment as { environment_variable?: { name: string; value: string }[] }).environment_variable ?? []).map((v) => [v.name, v.value] as const));
    expect(lambdaVars.length).toBeGreaterThan(0);
    expect(buildVars.length).toBeGreaterThan(0);
    for (const [name, value] of [...lambdaVars, ...buildVars]) {
      expect({ name, secretName: SECRET_NAMES.test(name) }).toEqual({ name, secretName: false });
      for (const pattern of SECRET_PATTERNS) expect(String(value)).not.toMatch(pattern);
    }
  });

  rule('No secrets in synthesized output', 'no key, token or private key anywhere in any stack', () => {
    for (const stack of all) for (const pattern of SECRET_PATTERNS) expect(JSON.stringify(stack)).not.toMatch(pattern);
    const variables = (configured.cicd as unknown as { variable: Record<string, { sensitive?: boolean; default?: unknown }> }).variable;
    expect(variables.github_token).toEqual(expect.objectContaining({ sensitive: true }));
    expect(variables.github_token).not.toHaveProperty('default');
  });

  rule('CKV_AWS_355 / CKV_AWS_290 (no wildcard IAM actions)', 'no policy allows `*` or a whole service', () => {
    const allowed = policyDocuments().flatMap(([, doc]) => (doc.statement as { effect?: string; actions?: string[] }[]).filter((statement) => statement.effect !== 'Deny').flatMap((statement) => statement.actions ?? []));
    expect(allowed.length).toBeGreaterThan(0);
    for (const action of allowed) expect({ action, wildcard: action === '*' || /:\*$/.test(action) }).toEqual({ action, wildcard: false });
  });

  it('names a reason for every rule it does not follow', () => {
    expect(SECURITY_EXCEPTIONS.length).toBeGreaterThan(0);
    for (const exception of SECURITY_EXCEPTIONS) expect(exception.reason.length).toBeGreaterThan(40);
    expect(new Set(SECURITY_EXCEPTIONS.map((e) => e.rule)).size).toBe(SECURITY_EXCEPTIONS.length);
  });
});
