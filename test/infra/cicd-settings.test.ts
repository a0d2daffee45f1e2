import { Testing } from 'cdktf';
import { buildApp } from '../../app/build-app';
import { loadCicdConfig } from '../../cicd/config';
import { stackName } from '../../platform/stack-names';
import { loadConfig } from '../../stacks/config';
import { ConfigurationError, type Env } from '../../topology/env';
import { PROJECT } from '../../topology/names';
import { resourcesOf, type TerraformJson } from '../support/synth';

type Statement = { sid: string; resources: string[] };

const problemsOf = (load: () => unknown): readonly string[] => {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  return [];
};

describe('Settings the application stacks and the pipeline share', () => {
  it('reads one region for both: DOFS_REGION, else AWS_REGION, else us-east-1', () => {
    const cases: [Env, string][] = [
      [{}, 'us-east-1'],
      [{ AWS_REGION: 'eu-west-1' }, 'eu-west-1'],
      [{ DOFS_REGION: 'ap-south-1', AWS_REGION: 'eu-west-1' }, 'ap-south-1'],
    ];
    for (const [env, region] of cases) {
      expect({ env, stacks: loadConfig('dev', env).region, pipeline: loadCicdConfig(env).region }).toEqual({ env, stacks: region, pipeline: region });
    }
  });

  it('refuses a region that is not one in both, naming the variable it came from', () => {
    for (const load of [(env: Env) => loadConfig('dev', env), (env: Env) => loadCicdConfig(env)]) {
      expect(problemsOf(() => load({ DOFS_REGION: 'mars-1' }))).toEqual(['DOFS_REGION must be an AWS region such as us-east-1 (got "mars-1")']);
      expect(problemsOf(() => load({ AWS_REGION: 'Europe' }))).toEqual(['AWS_REGION must be an AWS region such as us-east-1 (got "Europe")']);
    }
  });

  it("refuses a state key prefix that would widen the CI roles' reach (an IAM wildcard) in both", () => {
    for (const load of [(env: Env) => loadConfig('dev', env), (env: Env) => loadCicdConfig(env)]) {
      for (const prefix of ['dofs/*', 'team?', '/dofs', 'dofs/', '${aws:username}']) {
        expect(problemsOf(() => load({ DOFS_STATE_KEY_PREFIX: prefix }))).toEqual([expect.stringMatching(/^DOFS_STATE_KEY_PREFIX must be path segments/)]);
      }
    }
  });

  it('lists the pipeline settings under the same heading as the stacks', () => {
    expect(() => loadCicdConfig({ DOFS_PIPELINE_SOURCE: 'svn', DOFS_REGION: 'nowhere' })).toThrow(
      'invalid DOFS configuration:\n  - DOFS_PIPELINE_SOURCE must be "connection" or "token" (got "svn")\n  - DOFS_REGION must be an AWS region such as us-east-1 (got "nowhere")',
    );
  });
});

describe('The CI roles reach the state keys the stacks are configured with', () => {
  const prefix = 'team/orders';
  const { stacks, cicd } = buildApp({ env: { DOFS_STATE_BUCKET: 'team-state', DOFS_STATE_KEY_PREFIX: prefix, DOFS_PIPELINE_PROD: 'true' } });
  const pipeline = JSON.parse(Testing.synth(cicd)) as TerraformJson;
  const documents = pipeline.data!.aws_iam_policy_document!;
  const statement = (role: string, sid: string) =>
    Object.entries(documents)
      .filter(([id]) => id.startsWith(`${role}_service_permissions`))
      .flatMap(([, document]) => document.statement as Statement[])
      .find((s) => s.sid === sid);
  const backendKey = (json: TerraformJson) => (json.terraform.backend as { s3: { key: string } }).s3.key;
  const keys = Object.fromEntries(stacks.map((stack) => [stack.node.id, backendKey(JSON.parse(Testing.synth(stack)) as TerraformJson)]));
  const object = (key: string) => `arn:aws:s3:::\${var.state_bucket}/${key}`;

  it('keys every stack under the configured prefix, the pipeline own state included', () => {
    expect(keys).toEqual({ 'dofs-dev': `${prefix}/dofs-dev/terraform.tfstate`, 'dofs-prod': `${prefix}/dofs-prod/terraform.tfstate` });
    expect(backendKey(pipeline)).toBe(`${prefix}/dofs-cicd/terraform.tfstate`);
  });

  it("lets each deploy role read, lock and write exactly its own stack's state key", () => {
    for (const environment of ['dev', 'prod']) {
      const key = keys[`dofs-${environment}`]!;
      const role = `deploy_dofs_${environment}`;
      expect(statement(role, 'ReadState')!.resources).toEqual([object(key)]);
      expect(statement(role, 'WriteState')!.resources).toEqual([object(key)]);
      expect(statement(role, 'LockState')!.resources).toEqual([object(`${key}.tflock`)]);
    }
  });

  it("lets the build read every deployed stack's state key and write none", () => {
    expect(statement('build', 'ReadState')!.resources).toEqual(Object.values(keys).map(object));
    expect(statement('build', 'WriteState')).toBeUndefined();
  });

  it('synthesizes the stacks in the builds with the same prefix', () => {
    for (const project of resourcesOf(pipeline, 'aws_codebuild_project')) {
      const variables = (project.environment as { environment_variable: { name: string; value: string }[] }).environment_variable;
      expect(variables.find((variable) => variable.name === 'DOFS_STATE_KEY_PREFIX')?.value).toBe(prefix);
    }
  });
});

describe('Names: every CI/CD name is the project name (topology/names.ts) first', () => {
  const { stacks, cicd, bootstrap } = buildApp();
  const pipeline = JSON.parse(Testing.synth(cicd)) as TerraformJson;

  it('names the stacks <project>-<environment>', () => {
    expect([...stacks, cicd, bootstrap].map((stack) => stack.node.id)).toEqual(['dev', 'prod', 'cicd', 'bootstrap'].map(stackName));
    expect(stackName('dev')).toBe(`${PROJECT}-dev`);
  });

  it("names each of the pipeline's resources after the project, and tags them with it", () => {
    const named: [string, string][] = [
      ['aws_codepipeline', 'name'],
      ['aws_codebuild_project', 'name'],
      ['aws_iam_role', 'name'],
      ['aws_iam_policy', 'name'],
      ['aws_codestarconnections_connection', 'name'],
      ['aws_s3_bucket', 'bucket'],
      ['aws_kms_alias', 'name'],
      ['aws_cloudwatch_log_group', 'name'],
    ];
    const names = named.flatMap(([type, attribute]) => resourcesOf(pipeline, type).map((resource) => String(resource[attribute])));
    expect(names.length).toBeGreaterThan(named.length);
    expect(names.filter((name) => !new RegExp(`^(alias/|/aws/codebuild/)?${PROJECT}-`).test(name))).toEqual([]);
    for (const stack of [cicd, bootstrap]) {
      const provider = (JSON.parse(Testing.synth(stack)) as { provider: { aws: { default_tags: { tags: Record<string, string> }[] }[] } }).provider.aws[0]!;
      expect(provider.default_tags[0]!.tags.Project).toBe(PROJECT);
    }
  });
});
