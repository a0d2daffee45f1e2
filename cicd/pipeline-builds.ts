import type { Construct } from 'constructs';
import { boundaryVariable } from '../platform/settings';
import { stackName } from '../platform/stack-names';
import { PROJECT } from '../topology/names';
import type { ArtifactStore } from './artifact-store';
import { BuildProject } from './build-project';
import { StackConcern } from './concern';
import type { DeployBoundaries } from './deploy-boundaries';
import { CICD_ROLE_PREFIX, readStatements, writeStatements, type DeployTarget } from './deploy-permissions';

export interface PipelineBuildsOptions {
  readonly target: DeployTarget;
  /** The environments to deploy, each under its own boundary, in order. */
  readonly boundaries: DeployBoundaries;
  readonly artifacts: ArtifactStore;
  /** DOFS_STATE_REGION for the stacks the builds synthesize. */
  readonly stateRegion: string;
  readonly logRetentionDays: number;
  /** The test-and-plan build's buildspec, and the deploys'. */
  readonly buildspec: string;
  readonly deployBuildspec: string;
}

/** One environment's deploy: `terraform apply` of the plan the build made for its stack. */
export interface EnvironmentDeploy {
  readonly environment: string;
  readonly project: BuildProject;
}

/**
 * The CodeBuild projects the pipeline runs: one build that tests and plans every deployed stack (with
 * read access only, since it runs npm test), and one deploy per environment, which may change only that
 * environment's resources and state, and create only roles carrying its boundary.
 */
export class PipelineBuilds extends StackConcern {
  readonly build: BuildProject;
  readonly deploys: readonly EnvironmentDeploy[];

  constructor(scope: Construct, id: string, options: PipelineBuildsOptions) {
    super(scope, id);
    const { target } = options;
    const boundaries = Object.entries(options.boundaries.byEnvironment);
    const environments = boundaries.map(([environment]) => environment);
    // The settings the builds synthesize the stacks with: the region, state and boundaries the pipeline was made for.
    const variables = {
      DOFS_REGION: target.region,
      DOFS_STATE_BUCKET: target.stateBucket,
      DOFS_STATE_REGION: options.stateRegion,
      DOFS_STATE_KEY_PREFIX: target.stateKeyPrefix,
      ...Object.fromEntries(boundaries.map(([environment, policy]) => [boundaryVariable(environment), policy.arn])),
      DOFS_DEPLOY_STACKS: environments.map(stackName).join(' '),
    };
    const common = { kmsKeyArn: options.artifacts.key.arn, logRetentionDays: options.logRetentionDays, artifactBucketArn: options.artifacts.bucket.arn };
    this.build = new BuildProject(this, 'build', {
      ...common,
      name: `${CICD_ROLE_PREFIX}build`,
      description: 'npm ci, npm test, then synth, terraform init, validate and plan of every deployed stack',
      buildspec: options.buildspec,
      environment: variables,
      timeoutMinutes: 30,
      computeType: 'BUILD_GENERAL1_MEDIUM',
      statements: [
        ...readStatements({ ...target, environments }),
        {
          sid: 'PublishTestReports',
          actions: ['codebuild:CreateReportGroup', 'codebuild:CreateReport', 'codebuild:UpdateReport', 'codebuild:BatchPutTestCases'],
          resources: [`arn:aws:codebuild:${target.region}:${target.account}:report-group/${CICD_ROLE_PREFIX}build-*`],
        },
      ],
    });
    this.deploys = boundaries.map(([environment, boundary]) => ({
      environment,
      project: new BuildProject(this, `deploy_${PROJECT}_${environment}`, {
        ...common,
        name: `${CICD_ROLE_PREFIX}deploy-${environment}`,
        description: `terraform apply of the plan the build made for ${stackName(environment)}`,
        buildspec: options.deployBuildspec,
        environment: { ...variables, DOFS_STACK: stackName(environment) },
        timeoutMinutes: 30,
        computeType: 'BUILD_GENERAL1_SMALL',
        statements: writeStatements({ ...target, environments: [environment] }, boundary.arn),
      }),
    }));
  }
}
