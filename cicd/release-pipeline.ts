import { Codepipeline, type CodepipelineStage, type CodepipelineStageAction } from '@cdktf/provider-aws/lib/codepipeline';
import type { Construct } from 'constructs';
import type { PolicyStatement } from '../platform/policy';
import { ServiceRole } from '../platform/service-role';
import type { ArtifactStore } from './artifact-store';
import type { BuildProject } from './build-project';
import { StackConcern } from './concern';
import type { PipelineBuilds } from './pipeline-builds';
import type { PipelineSource } from './pipeline-source';

export interface ReleasePipelineOptions {
  readonly name: string;
  readonly roleName: string;
  readonly source: PipelineSource;
  readonly artifacts: ArtifactStore;
  readonly builds: PipelineBuilds;
}

const title = (word: string) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`;

const codebuild = (name: string, project: BuildProject, input: string, output?: string): CodepipelineStageAction => ({
  name,
  category: 'Build',
  owner: 'AWS',
  provider: 'CodeBuild',
  version: '1',
  inputArtifacts: [input],
  ...(output ? { outputArtifacts: [output] } : {}),
  configuration: { ProjectName: project.project.name },
});

/**
 * The CodePipeline (V2, queued runs) and its role: Source -> Build (test and plan) -> DeployDev (apply that
 * plan), and each later environment behind a manual approval (ApproveProd -> DeployProd).
 */
export class ReleasePipeline extends StackConcern {
  readonly pipeline: Codepipeline;
  readonly role: ServiceRole;

  constructor(scope: Construct, id: string, { name, roleName, source, artifacts, builds }: ReleasePipelineOptions) {
    super(scope, id);
    const { key, bucket } = artifacts;
    const statements: PolicyStatement[] = [
      { sid: 'Artifacts', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:GetBucketVersioning'], resources: [bucket.arn, `${bucket.arn}/*`] },
      { sid: 'ArtifactKey', actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], resources: [key.arn] },
      { sid: 'RunBuilds', actions: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'], resources: [builds.build.project.arn, ...builds.deploys.map((d) => d.project.project.arn)] },
      // Connections made since 2024 carry codeconnections ARNs and are authorized under that prefix too:
      // https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html
      ...(source.connectionArn
        ? [{ sid: 'UseGitHubConnection', actions: ['codestar-connections:UseConnection', 'codeconnections:UseConnection'], resources: [source.connectionArn] }]
        : []),
    ];
    this.role = new ServiceRole(this, 'pipeline_role', { roleName, servicePrincipal: 'codepipeline.amazonaws.com', statements });

    const stages: CodepipelineStage[] = [
      { name: 'Source', action: [source.action] },
      { name: 'Build', action: [codebuild('TestAndPlan', builds.build, 'source', 'planned')] },
      ...builds.deploys.flatMap(({ environment, project }, index): CodepipelineStage[] => [
        ...(index > 0 ? [{ name: `Approve${title(environment)}`, action: [{ name: 'Approve', category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' }] }] : []),
        { name: `Deploy${title(environment)}`, action: [codebuild(`Apply${title(environment)}`, project, 'planned')] },
      ]),
    ];
    this.pipeline = new Codepipeline(this, 'pipeline', {
      name,
      pipelineType: 'V2',
      executionMode: 'QUEUED',
      roleArn: this.role.role.arn,
      artifactStore: [{ location: bucket.bucket, type: 'S3', encryptionKey: { id: key.arn, type: 'KMS' } }],
      stage: stages,
      ...(source.trigger ? { trigger: source.trigger } : {}),
      dependsOn: [this.role.policy],
    });
  }
}
