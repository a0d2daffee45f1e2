import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project';
import { CodestarconnectionsConnection } from '@cdktf/provider-aws/lib/codestarconnections-connection';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Testing } from 'cdktf';
import { CODEBUILD_IMAGE } from '../../cicd/build-project';
import { BUILDSPEC, DEPLOY_BUILDSPEC, PIPELINE_NAME } from '../../cicd/pipeline-stack';
import { buildApp } from '../../app/build-app';
import { resourcesOf, type TerraformJson } from '../support/synth';

function synthCicd(env: Record<string, string> = {}) {
  const { cicd, bootstrap, stacks } = buildApp({ env });
  const json = Testing.synth(cicd);
  return { json, parsed: JSON.parse(json) as TerraformJson, bootstrap: Testing.synth(bootstrap), dev: Testing.synth(stacks[0]!) };
}

const connection = synthCicd();
const token = synthCicd({ DOFS_PIPELINE_SOURCE: 'token', DOFS_PIPELINE_PROD: 'true' });

type Stage = { name: string; action: { name: string; provider: string; configuration?: Record<string, string>; input_artifacts?: string[]; output_artifacts?: string[] }[] };
const stagesOf = (parsed: TerraformJson) => (resourcesOf(parsed, 'aws_codepipeline')[0]!.stage as Stage[]);

describe('Stack: dofs-cicd pipeline', () => {
  it('is a V2 pipeline named as the seed expects, triggered by a push to the configured branch', () => {
    const [pipeline] = resourcesOf(connection.parsed, 'aws_codepipeline');
    expect(pipeline).toMatchObject({ name: PIPELINE_NAME, pipeline_type: 'V2' });
    expect(pipeline!.trigger).toEqual([
      {
        provider_type: 'CodeStarSourceConnection',
        git_configuration: { source_action_name: 'Source', push: [{ branches: { includes: ['${var.github_branch}'] } }] },
      },
    ]);
    expect((connection.parsed as unknown as { variable: Record<string, { default?: string }> }).variable.github_branch!.default).toBe('main');
  });

  it('runs Source -> Build (test and plan) -> DeployDev (apply that plan), with prod off by default', () => {
    const stages = stagesOf(connection.parsed);
    expect(stages.map((s) => s.name)).toEqual(['Source', 'Build', 'DeployDev']);
    expect(stages[1]!.action[0]).toMatchObject({ provider: 'CodeBuild', input_artifacts: ['source'], output_artifacts: ['planned'] });
    expect(stages[2]!.action[0]).toMatchObject({ provider: 'CodeBuild', input_artifacts: ['planned'] });
  });

  it('adds a manual approval and the prod deployment when enabled', () => {
    expect(stagesOf(token.parsed).map((s) => s.name)).toEqual(['Source', 'Build', 'DeployDev', 'ApproveProd', 'DeployProd']);
    expect(stagesOf(token.parsed)[3]!.action[0]).toMatchObject({ provider: 'Manual' });
  });

  it('uses a CodeStar connection by default', () => {
    expect(connection.json).toHaveResourceWithProperties(CodestarconnectionsConnection, { name: 'dofs-github', provider_type: 'GitHub' });
    expect(stagesOf(connection.parsed)[0]!.action[0]).toMatchObject({
      provider: 'CodeStarSourceConnection',
      configuration: { FullRepositoryId: '${var.github_repository}', BranchName: '${var.github_branch}' },
    });
  });

  it('takes the seed\'s GitHub token only as a sensitive variable, never as a literal', () => {
    const variables = (token.parsed as unknown as { variable: Record<string, { sensitive?: boolean }> }).variable;
    expect(variables.github_token).toMatchObject({ sensitive: true });
    expect(stagesOf(token.parsed)[0]!.action[0]!.configuration!.OAuthToken).toBe('${var.github_token}');
    expect(token.json).not.toMatch(/ghp_|github_pat_/);
    expect(connection.parsed).not.toHaveProperty('variable.github_token');
  });

  it('builds on a managed Node 22 image, not privileged, logging to CloudWatch with retention, encrypted', () => {
    const projects = resourcesOf(token.parsed, 'aws_codebuild_project');
    expect(projects.map((p) => p.name).sort()).toEqual(['dofs-cicd-build', 'dofs-cicd-deploy-dev', 'dofs-cicd-deploy-prod']);
    for (const project of projects) {
      expect(project).toMatchObject({
        environment: { image: CODEBUILD_IMAGE, privileged_mode: false, type: 'LINUX_CONTAINER' },
        logs_config: { cloudwatch_logs: { status: 'ENABLED' } },
        encryption_key: expect.stringMatching(/aws_kms_key\.artifact_key\.arn/),
      });
    }
    expect(token.json).toHaveResourceWithProperties(CodebuildProject, { name: 'dofs-cicd-build', source: { type: 'CODEPIPELINE', buildspec: BUILDSPEC } });
    expect(token.json).toHaveResourceWithProperties(CodebuildProject, { name: 'dofs-cicd-deploy-dev', source: { type: 'CODEPIPELINE', buildspec: DEPLOY_BUILDSPEC } });
    const logGroups = resourcesOf(token.parsed, 'aws_cloudwatch_log_group');
    expect(logGroups.map((g) => [g.name, g.retention_in_days]).sort()).toEqual([
      ['/aws/codebuild/dofs-cicd-build', 30],
      ['/aws/codebuild/dofs-cicd-deploy-dev', 30],
      ['/aws/codebuild/dofs-cicd-deploy-prod', 30],
    ]);
  });

  it('stores artifacts in a KMS-encrypted, versioned, private, TLS-only bucket that expires them', () => {
    expect(connection.json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    expect(connection.json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    expect(connection.json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const [encryption] = resourcesOf(connection.parsed, 'aws_s3_bucket_server_side_encryption_configuration');
    expect(encryption!.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: expect.stringMatching(/artifact_key\.arn/) }, bucket_key_enabled: true },
    ]);
    expect(connection.json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {});
    const [lifecycle] = resourcesOf(connection.parsed, 'aws_s3_bucket_lifecycle_configuration');
    expect((lifecycle!.rule as { expiration: { days: number }[] }[])[0]!.expiration).toEqual([{ days: 30 }]);
    const documents = connection.parsed.data!.aws_iam_policy_document!;
    const tls = Object.entries(documents).find(([id]) => id.includes('tls_only'))![1];
    expect(tls.statement).toEqual([
      expect.objectContaining({ effect: 'Deny', actions: ['s3:*'], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] }),
    ]);
    const [pipeline] = resourcesOf(connection.parsed, 'aws_codepipeline');
    expect(pipeline!.artifact_store).toEqual([expect.objectContaining({ type: 'S3', encryption_key: { id: expect.stringMatching(/artifact_key\.arn/), type: 'KMS' } })]);
  });

  it('bootstraps the state bucket on local state, versioned, encrypted and TLS-only', () => {
    expect(connection.bootstrap).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    expect((JSON.parse(connection.bootstrap) as TerraformJson).terraform.backend).toEqual({ local: { path: '../../../terraform.dofs-bootstrap.tfstate' } });
  });
});

describe('IAM: the pipeline and its builds', () => {
  type Statement = { actions: string[]; resources: string[]; condition?: { test: string; variable: string; values: string[] }[] };
  const documents = token.parsed.data!.aws_iam_policy_document!;
  const statementsOf = (prefix: string) =>
    Object.entries(documents).filter(([id]) => id.startsWith(prefix)).flatMap(([, doc]) => doc.statement as Statement[]);

  it('grants no AdministratorAccess, no iam:*, and no action wildcard of a whole service', () => {
    expect(token.json).not.toMatch(/AdministratorAccess|PowerUserAccess/);
    expect(resourcesOf(token.parsed, 'aws_iam_role_policy_attachment')).toEqual([]);
    const allows = Object.values(documents)
      .flatMap((doc) => doc.statement as (Statement & { effect?: string })[])
      .filter((statement) => statement.effect !== 'Deny');
    const wildcards = allows.flatMap((statement) => statement.actions).filter((action) => action === '*' || /^[a-z0-9-]+:\*$/.test(action));
    // (The only `s3:*` is the artifact bucket's Deny of non-TLS access.)
    expect(wildcards).toEqual([]);
  });

  it("lets each deploy create only its own environment's roles, carrying that environment's boundary", () => {
    for (const env of ['dev', 'prod']) {
      const createRole = statementsOf(`deploy_dofs_${env}`).find((s) => s.actions.includes('iam:CreateRole'))!;
      expect(createRole.resources).toEqual([expect.stringMatching(new RegExp(`:role/dofs-${env}-\\*$`))]);
      expect(createRole.condition).toEqual([{ test: 'StringEquals', variable: 'iam:PermissionsBoundary', values: [`\${aws_iam_policy.boundary_${env}.arn}`] }]);
    }
    const passRole = statementsOf('deploy_dofs_dev').find((s) => s.actions.includes('iam:PassRole'))!;
    expect(passRole.condition![0]!.values).toEqual(['lambda.amazonaws.com', 'states.amazonaws.com']);
  });

  it('gives the build (which runs npm test) read access only: no create, update or delete', () => {
    const actions = statementsOf('build_service').flatMap((s) => s.actions);
    expect(actions.filter((a) => /:(Create|Put|Update|Delete|Tag|Untag|Add|Remove|Set)/.test(a) && !a.startsWith('codebuild:') && !a.startsWith('logs:PutLogEvents') && !a.startsWith('logs:CreateLogStream') && a !== 's3:PutObject' && a !== 's3:DeleteObject')).toEqual([]);
  });

  it('scopes the pipeline role to its artifacts, key, builds and connection', () => {
    const resources = statementsOf('pipeline_role_permissions').flatMap((s) => s.resources);
    expect(resources.length).toBeGreaterThan(0);
    expect(resources.filter((r) => !/^\$\{aws_(s3_bucket\.artifacts_bucket\w*|kms_key\.artifact_key|codebuild_project\.\w+|codestarconnections_connection\.\w+)\.arn\}(\/\*)?$/.test(r))).toEqual([]);
  });

  it('puts the boundary on every role of an application stack deployed by the pipeline', () => {
    const boundary = (env: string) => `arn:aws:iam::123456789012:policy/dofs-cicd-boundary-${env}`;
    const { stacks } = buildApp({ env: { DOFS_PERMISSIONS_BOUNDARY_ARN_DEV: boundary('dev'), DOFS_PERMISSIONS_BOUNDARY_ARN_PROD: boundary('prod') } });
    for (const [index, env] of ['dev', 'prod'].entries()) {
      const roles = resourcesOf(JSON.parse(Testing.synth(stacks[index]!)) as TerraformJson, 'aws_iam_role');
      expect(roles.length).toBeGreaterThan(0);
      expect(roles.map((r) => r.permissions_boundary)).toEqual(roles.map(() => boundary(env)));
    }
    expect(connection.dev).not.toHaveResourceWithProperties(IamRole, { permissions_boundary: boundary('dev') });
  });
});
