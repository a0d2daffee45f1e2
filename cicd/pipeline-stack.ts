import { CodestarconnectionsConnection } from '@cdktf/provider-aws/lib/codestarconnections-connection';
import { Codepipeline, type CodepipelineStage, type CodepipelineStageAction } from '@cdktf/provider-aws/lib/codepipeline';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Fn, TerraformOutput, TerraformStack, TerraformVariable, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { toDocumentStatement, type PolicyStatement } from '../stacks/access';
import { boundaryVariable } from '../stacks/config';
import { configureBackend, stateKey } from '../stacks/dofs-stack';
import { ServiceRole } from '../stacks/service-role';
import { BuildProject } from './build-project';
import type { CicdConfig } from './config';
import { boundaryStatements, CICD_ROLE_PREFIX, readStatements, writeStatements, type Scope } from './deploy-permissions';
import { SecureBucket } from './secure-bucket';

export const PIPELINE_NAME = 'dofs-pipeline';
export const BUILDSPEC = 'buildspec.yml';
export const DEPLOY_BUILDSPEC = 'cicd/buildspec-deploy.yml';

/**
 * The pipeline that tests, plans and applies DOFS on every push to main:
 * Source (GitHub) -> Build (npm test, plan) -> DeployDev (apply that plan) [-> Approve -> DeployProd].
 * Its own state: S3 key dofs/dofs-cicd/... in the state bucket when DOFS_STATE_BUCKET is set.
 */
export class CicdStack extends TerraformStack {
  readonly pipeline: Codepipeline;
  /** The permissions boundary of each deployed environment's roles. */
  readonly boundaries: Record<string, IamPolicy>;

  constructor(scope: Construct, id: string, { config }: { config: CicdConfig }) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: config.region, defaultTags: [{ tags: { Project: 'dofs', Environment: 'cicd', ManagedBy: 'cdktf' } }] });
    configureBackend(this, id, config.stateBucket ? { bucket: config.stateBucket, region: config.stateRegion ?? config.region, keyPrefix: config.stateKeyPrefix } : undefined);

    const repository = new TerraformVariable(this, 'github_repository', {
      type: 'string',
      description: 'GitHub repository to build, as owner/name',
      validation: [{ condition: '${can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))}', errorMessage: 'github_repository must look like owner/name.' }],
    });
    const branch = new TerraformVariable(this, 'github_branch', { type: 'string', default: 'main', description: 'Branch whose pushes run the pipeline' });
    const stateBucket = new TerraformVariable(this, 'state_bucket', {
      type: 'string',
      description: 'S3 bucket holding the Terraform state of the DOFS stacks (see the dofs-bootstrap stack)',
    });
    const account = new DataAwsCallerIdentity(this, 'account').accountId;

    const key = new KmsKey(this, 'artifact_key', { description: 'DOFS pipeline artifacts and build output', enableKeyRotation: true, deletionWindowInDays: 7 });
    new KmsAlias(this, 'artifact_key_alias', { name: 'alias/dofs-pipeline', targetKeyId: key.keyId });
    const artifacts = new SecureBucket(this, 'artifacts', {
      bucket: `dofs-pipeline-artifacts-${account}-${config.region}`,
      kmsKeyArn: key.arn,
      expireAfterDays: config.artifactExpiryDays,
      forceDestroy: true,
    }).bucket;

    const environments = ['dev', ...(config.prodStage ? ['prod'] : [])];
    const stacks = environments.map((env) => `dofs-${env}`);
    const scopeOf = (envs: readonly string[]): Scope => ({
      region: config.region,
      account,
      stateBucketArn: `arn:aws:s3:::${stateBucket.stringValue}`,
      environments: envs.map((environment) => ({ environment, stateKey: stateKey(config.stateKeyPrefix, `dofs-${environment}`) })),
    });
    // One boundary per environment: a role a dev deploy creates can never reach prod's data.
    this.boundaries = Object.fromEntries(
      environments.map((env) => {
        const document = new DataAwsIamPolicyDocument(this, `boundary_document_${env}`, {
          statement: boundaryStatements(scopeOf([env])).map(toDocumentStatement),
        });
        const policy = new IamPolicy(this, `boundary_${env}`, {
          name: `${CICD_ROLE_PREFIX}boundary-${env}`,
          description: `The most any role created by the dofs-${env} stack may do`,
          policy: document.json,
        });
        return [env, policy];
      }),
    );

    const environment = {
      DOFS_REGION: config.region,
      DOFS_STATE_BUCKET: stateBucket.stringValue,
      DOFS_STATE_REGION: config.stateRegion ?? config.region,
      DOFS_STATE_KEY_PREFIX: config.stateKeyPrefix,
      ...Object.fromEntries(Object.entries(this.boundaries).map(([env, policy]) => [boundaryVariable(env), policy.arn])),
      DOFS_DEPLOY_STACKS: stacks.join(' '),
    };
    const common = { kmsKeyArn: key.arn, logRetentionDays: config.logRetentionDays, artifactBucketArn: artifacts.arn };
    const build = new BuildProject(this, 'build', {
      ...common,
      name: `${CICD_ROLE_PREFIX}build`,
      description: 'npm ci, npm test, then synth, terraform init, validate and plan of every deployed stack',
      buildspec: BUILDSPEC,
      environment,
      timeoutMinutes: 30,
      computeType: 'BUILD_GENERAL1_MEDIUM',
      statements: [
        ...readStatements(scopeOf(environments)),
        {
          sid: 'PublishTestReports',
          actions: ['codebuild:CreateReportGroup', 'codebuild:CreateReport', 'codebuild:UpdateReport', 'codebuild:BatchPutTestCases'],
          resources: [`arn:aws:codebuild:${config.region}:${account}:report-group/${CICD_ROLE_PREFIX}build-*`],
        },
      ],
    });
    const deploys = environments.map(
      (env) =>
        new BuildProject(this, `deploy_dofs_${env}`, {
          ...common,
          name: `${CICD_ROLE_PREFIX}deploy-${env}`,
          description: `terraform apply of the plan the build made for dofs-${env}`,
          buildspec: DEPLOY_BUILDSPEC,
          environment: { ...environment, DOFS_STACK: `dofs-${env}` },
          timeoutMinutes: 30,
          computeType: 'BUILD_GENERAL1_SMALL',
          statements: writeStatements(scopeOf([env]), this.boundaries[env]!.arn),
        }),
    );

    const source = this.sourceAction(config, repository, branch);
    const pipelineStatements: PolicyStatement[] = [
      { sid: 'Artifacts', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:GetBucketVersioning'], resources: [artifacts.arn, `${artifacts.arn}/*`] },
      { sid: 'ArtifactKey', actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], resources: [key.arn] },
      { sid: 'RunBuilds', actions: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'], resources: [build.project.arn, ...deploys.map((d) => d.project.arn)] },
      // Connections made since 2024 carry codeconnections ARNs and are authorized under that prefix too:
      // https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html
      ...(source.connectionArn
        ? [{ sid: 'UseGitHubConnection', actions: ['codestar-connections:UseConnection', 'codeconnections:UseConnection'], resources: [source.connectionArn] }]
        : []),
    ];
    const pipelineRole = new ServiceRole(this, 'pipeline_role', { roleName: `${CICD_ROLE_PREFIX}pipeline`, servicePrincipal: 'codepipeline.amazonaws.com', statements: pipelineStatements });

    const codebuild = (name: string, project: BuildProject, input: string, output?: string) => ({
      name,
      category: 'Build',
      owner: 'AWS',
      provider: 'CodeBuild',
      version: '1',
      inputArtifacts: [input],
      ...(output ? { outputArtifacts: [output] } : {}),
      configuration: { ProjectName: project.project.name },
    });
    const stages: CodepipelineStage[] = [
      { name: 'Source', action: [source.action] },
      { name: 'Build', action: [codebuild('TestAndPlan', build, 'source', 'planned')] },
      { name: 'DeployDev', action: [codebuild('ApplyDev', deploys[0]!, 'planned')] },
      ...(config.prodStage
        ? [
            { name: 'ApproveProd', action: [{ name: 'Approve', category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' }] },
            { name: 'DeployProd', action: [codebuild('ApplyProd', deploys[1]!, 'planned')] },
          ]
        : []),
    ];
    this.pipeline = new Codepipeline(this, 'pipeline', {
      name: PIPELINE_NAME,
      pipelineType: 'V2',
      executionMode: 'QUEUED',
      roleArn: pipelineRole.role.arn,
      artifactStore: [{ location: artifacts.bucket, type: 'S3', encryptionKey: { id: key.arn, type: 'KMS' } }],
      stage: stages,
      ...(source.connectionArn
        ? {
            trigger: [
              {
                providerType: 'CodeStarSourceConnection',
                gitConfiguration: { sourceActionName: 'Source', push: [{ branches: { includes: [branch.stringValue] } }] },
              },
            ],
          }
        : {}),
      dependsOn: [pipelineRole.policy],
    });

    new TerraformOutput(this, 'pipeline_name', { value: this.pipeline.name });
    new TerraformOutput(this, 'artifact_bucket', { value: artifacts.bucket });
    for (const [env, policy] of Object.entries(this.boundaries)) {
      new TerraformOutput(this, `permissions_boundary_arn_${env}`, { value: policy.arn, description: `${boundaryVariable(env)}, for a deploy of dofs-${env} by hand` });
    }
    if (source.connectionArn) {
      new TerraformOutput(this, 'github_connection_arn', {
        value: source.connectionArn,
        description: 'Created PENDING: complete the handshake once in the console (Developer Tools > Connections)',
      });
    }
  }

  private sourceAction(config: CicdConfig, repository: TerraformVariable, branch: TerraformVariable): { connectionArn: string | undefined; action: CodepipelineStageAction } {
    const base = { name: 'Source', category: 'Source', version: '1', outputArtifacts: ['source'] };
    if (config.source === 'connection') {
      const connection = new CodestarconnectionsConnection(this, 'github', { name: 'dofs-github', providerType: 'GitHub' });
      return {
        connectionArn: connection.arn,
        action: {
          ...base,
          owner: 'AWS',
          provider: 'CodeStarSourceConnection',
          configuration: { ConnectionArn: connection.arn, FullRepositoryId: repository.stringValue, BranchName: branch.stringValue },
        },
      };
    }
    // The seed's path: a personal access token, as a sensitive variable that never appears in output.
    const token = new TerraformVariable(this, 'github_token', {
      type: 'string',
      sensitive: true,
      description: 'GitHub personal access token (repo scope), only for DOFS_PIPELINE_SOURCE=token',
    });
    return {
      connectionArn: undefined,
      action: {
        ...base,
        owner: 'ThirdParty',
        provider: 'GitHub',
        configuration: {
          Owner: Token.asString(Fn.element(Fn.split('/', repository.stringValue), 0)),
          Repo: Token.asString(Fn.element(Fn.split('/', repository.stringValue), 1)),
          Branch: branch.stringValue,
          OAuthToken: token.stringValue,
          // The OAuth action has no push trigger in V2 pipelines; it polls.
          PollForSourceChanges: 'true',
        },
      },
    };
  }
}
