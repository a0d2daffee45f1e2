import type { Codepipeline } from '@cdktf/provider-aws/lib/codepipeline';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import type { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { boundaryVariable } from '../platform/settings';
import { stackName } from '../platform/stack-names';
import { configureBackend, remoteBackend } from '../platform/state-backend';
import { PROJECT } from '../topology/names';
import { ArtifactStore } from './artifact-store';
import { BOOTSTRAP_ENVIRONMENT } from './bootstrap-stack';
import { ConcernStack } from './concern';
import type { CicdConfig } from './config';
import { DeployBoundaries } from './deploy-boundaries';
import { CICD_ENVIRONMENT, CICD_ROLE_PREFIX, type DeployTarget } from './deploy-permissions';
import { PipelineBuilds } from './pipeline-builds';
import { PipelineSource } from './pipeline-source';
import { ReleasePipeline } from './release-pipeline';

export const PIPELINE_NAME = `${PROJECT}-pipeline`;
export const BUILDSPEC = 'buildspec.yml';
export const DEPLOY_BUILDSPEC = 'cicd/buildspec-deploy.yml';

/**
 * The pipeline that tests, plans and applies DOFS on every push to main:
 * Source (GitHub) -> Build (npm test, plan) -> DeployDev (apply that plan) [-> Approve -> DeployProd].
 * Its own state: S3 key <prefix>/dofs-cicd/... in the state bucket when DOFS_STATE_BUCKET is set.
 * Each concern is a construct whose id stays out of Terraform addresses (see ConcernStack).
 */
export class CicdStack extends ConcernStack {
  readonly pipeline: Codepipeline;
  /** The permissions boundary of each deployed environment's roles. */
  readonly boundaries: Readonly<Record<string, IamPolicy>>;

  constructor(scope: Construct, id: string, { config }: { config: CicdConfig }) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: config.region, defaultTags: [{ tags: { Project: PROJECT, Environment: CICD_ENVIRONMENT, ManagedBy: 'cdktf' } }] });
    configureBackend(this, id, remoteBackend(config.state));

    const source = new PipelineSource(this, 'source', { mode: config.source, connectionName: `${PROJECT}-github` });
    const stateBucket = new TerraformVariable(this, 'state_bucket', {
      type: 'string',
      description: `S3 bucket holding the Terraform state of the DOFS stacks (see the ${stackName(BOOTSTRAP_ENVIRONMENT)} stack)`,
    });
    const target: DeployTarget = {
      region: config.region,
      account: new DataAwsCallerIdentity(this, 'account').accountId,
      stateBucket: stateBucket.stringValue,
      stateKeyPrefix: config.state.keyPrefix,
    };
    const artifacts = new ArtifactStore(this, 'artifact_store', {
      keyAlias: `alias/${PIPELINE_NAME}`,
      bucketName: `${PIPELINE_NAME}-artifacts-${target.account}-${config.region}`,
      expireAfterDays: config.artifactExpiryDays,
    });
    const boundaries = new DeployBoundaries(this, 'boundaries', { target, environments: ['dev', ...(config.prodStage ? ['prod'] : [])] });
    const builds = new PipelineBuilds(this, 'builds', {
      target,
      boundaries,
      artifacts,
      stateRegion: config.state.region,
      logRetentionDays: config.logRetentionDays,
      buildspec: BUILDSPEC,
      deployBuildspec: DEPLOY_BUILDSPEC,
    });
    const release = new ReleasePipeline(this, 'release', { name: PIPELINE_NAME, roleName: `${CICD_ROLE_PREFIX}pipeline`, source, artifacts, builds });
    this.pipeline = release.pipeline;
    this.boundaries = boundaries.byEnvironment;

    // At the stack's top level: in a construct, an output's name would take the construct's path (here and
    // in the outputs file `cdktf deploy --outputs-file` writes).
    new TerraformOutput(this, 'pipeline_name', { value: this.pipeline.name });
    new TerraformOutput(this, 'artifact_bucket', { value: artifacts.bucket.bucket });
    for (const [environment, policy] of Object.entries(this.boundaries)) {
      new TerraformOutput(this, `permissions_boundary_arn_${environment}`, {
        value: policy.arn,
        description: `${boundaryVariable(environment)}, for a deploy of ${stackName(environment)} by hand`,
      });
    }
    if (source.connectionArn) {
      new TerraformOutput(this, 'github_connection_arn', {
        value: source.connectionArn,
        description: 'Created PENDING: complete the handshake once in the console (Developer Tools > Connections)',
      });
    }
  }
}
