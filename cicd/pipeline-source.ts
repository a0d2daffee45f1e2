import { CodestarconnectionsConnection } from '@cdktf/provider-aws/lib/codestarconnections-connection';
import type { CodepipelineStageAction, CodepipelineTrigger } from '@cdktf/provider-aws/lib/codepipeline';
import { Fn, TerraformVariable, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { StackConcern } from './concern';
import type { SourceMode } from './config';

export interface PipelineSourceOptions {
  readonly mode: SourceMode;
  /** The CodeStar connection's name (connection mode). */
  readonly connectionName: string;
}

/** The source action's name, which a push trigger names too. */
const ACTION_NAME = 'Source';

/**
 * What the pipeline builds: a GitHub repository and branch (Terraform variables, given at apply), read
 * through a CodeStar connection or, on the seed's path, a personal access token.
 */
export class PipelineSource extends StackConcern {
  readonly repository: TerraformVariable;
  readonly branch: TerraformVariable;
  /** The pipeline's first action; its output artifact is `source`. */
  readonly action: CodepipelineStageAction;
  /** The connection the pipeline role must be allowed to use; undefined with a token. */
  readonly connectionArn: string | undefined;
  /** Runs the pipeline on a push to the branch; undefined with a token, whose action polls instead. */
  readonly trigger: CodepipelineTrigger[] | undefined;

  constructor(scope: Construct, id: string, options: PipelineSourceOptions) {
    super(scope, id);
    this.repository = new TerraformVariable(this, 'github_repository', {
      type: 'string',
      description: 'GitHub repository to build, as owner/name',
      validation: [{ condition: '${can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))}', errorMessage: 'github_repository must look like owner/name.' }],
    });
    this.branch = new TerraformVariable(this, 'github_branch', { type: 'string', default: 'main', description: 'Branch whose pushes run the pipeline' });
    const base = { name: ACTION_NAME, category: 'Source', version: '1', outputArtifacts: ['source'] };
    if (options.mode === 'connection') {
      const connection = new CodestarconnectionsConnection(this, 'github', { name: options.connectionName, providerType: 'GitHub' });
      this.connectionArn = connection.arn;
      this.action = {
        ...base,
        owner: 'AWS',
        provider: 'CodeStarSourceConnection',
        configuration: { ConnectionArn: connection.arn, FullRepositoryId: this.repository.stringValue, BranchName: this.branch.stringValue },
      };
      this.trigger = [
        {
          providerType: 'CodeStarSourceConnection',
          gitConfiguration: { sourceActionName: ACTION_NAME, push: [{ branches: { includes: [this.branch.stringValue] } }] },
        },
      ];
      return;
    }
    // The seed's path: a personal access token, as a sensitive variable that never appears in output.
    const token = new TerraformVariable(this, 'github_token', {
      type: 'string',
      sensitive: true,
      description: 'GitHub personal access token (repo scope), only for DOFS_PIPELINE_SOURCE=token',
    });
    this.connectionArn = undefined;
    this.trigger = undefined;
    this.action = {
      ...base,
      owner: 'ThirdParty',
      provider: 'GitHub',
      configuration: {
        Owner: Token.asString(Fn.element(Fn.split('/', this.repository.stringValue), 0)),
        Repo: Token.asString(Fn.element(Fn.split('/', this.repository.stringValue), 1)),
        Branch: this.branch.stringValue,
        OAuthToken: token.stringValue,
        // The OAuth action has no push trigger in V2 pipelines; it polls.
        PollForSourceChanges: 'true',
      },
    };
  }
}
