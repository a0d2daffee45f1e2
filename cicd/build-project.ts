import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project';
import { Construct } from 'constructs';
import type { PolicyStatement } from '../platform/policy';
import { ServiceRole } from '../platform/service-role';

/** Amazon Linux 2023 standard image 5.0: Node.js 22 and Python 3.12 runtimes. */
export const CODEBUILD_IMAGE = 'aws/codebuild/amazonlinux-x86_64-standard:5.0';

export interface BuildProjectOptions {
  readonly name: string;
  readonly description: string;
  /** Path of the buildspec inside the source the pipeline hands over. */
  readonly buildspec: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly kmsKeyArn: string;
  readonly logRetentionDays: number;
  readonly timeoutMinutes: number;
  readonly computeType: string;
  /** What the build itself needs beyond its logs, artifacts and key. */
  readonly statements: readonly PolicyStatement[];
  readonly artifactBucketArn: string;
}

/**
 * A CodeBuild project run by the pipeline: managed image, not privileged, encrypted artifacts,
 * logs in its own log group with retention, and a role with only what the project does.
 */
export class BuildProject extends Construct {
  readonly project: CodebuildProject;
  readonly role: ServiceRole;

  constructor(scope: Construct, id: string, options: BuildProjectOptions) {
    super(scope, id);
    const logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/codebuild/${options.name}`,
      retentionInDays: options.logRetentionDays,
    });
    this.role = new ServiceRole(this, 'service', {
      roleName: options.name,
      servicePrincipal: 'codebuild.amazonaws.com',
      statements: [
        { sid: 'WriteBuildLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.arn, `${logGroup.arn}:*`] },
        { sid: 'PipelineArtifacts', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'], resources: [`${options.artifactBucketArn}/*`] },
        { sid: 'ArtifactKey', actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], resources: [options.kmsKeyArn] },
        ...options.statements,
      ],
    });
    this.project = new CodebuildProject(this, 'project', {
      name: options.name,
      description: options.description,
      serviceRole: this.role.role.arn,
      buildTimeout: options.timeoutMinutes,
      encryptionKey: options.kmsKeyArn,
      source: { type: 'CODEPIPELINE', buildspec: options.buildspec },
      artifacts: { type: 'CODEPIPELINE' },
      environment: {
        type: 'LINUX_CONTAINER',
        computeType: options.computeType,
        image: CODEBUILD_IMAGE,
        imagePullCredentialsType: 'CODEBUILD',
        privilegedMode: false,
        environmentVariable: Object.entries(options.environment).map(([name, value]) => ({ name, value, type: 'PLAINTEXT' })),
      },
      logsConfig: { cloudwatchLogs: { status: 'ENABLED', groupName: logGroup.name }, s3Logs: { status: 'DISABLED' } },
      dependsOn: [this.role.policy],
    });
  }
}
