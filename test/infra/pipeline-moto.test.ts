import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { checkout } from '../support/checkout';
import { MOTO_UNSUPPORTED, motoTargets, startMoto, type Moto } from '../support/moto';
import { readStack, removeSynthDir, synthToDir } from '../support/synth';
import { describeTerraform, requireMoto, runProcess, terraform, terraformEnv } from '../support/terraform';

requireMoto();

describe('The pipeline against moto', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(() => moto?.stop());

  /** AWS credentials and endpoint as the build sees them, pointed at moto. */
  const awsEnv = () => ({
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_MAX_ATTEMPTS: '2',
  });

  it("runs the Build stage's own commands as CodeBuild does: synth, init, validate, plan -out=tfplan", async () => {
    const dir = checkout();
    try {
      const buildspec = parse(readFileSync(join(dir, 'buildspec.yml'), 'utf8')) as { phases: { build: { commands: string[] } } };
      const env = terraformEnv({ ...awsEnv(), ...buildspecVariables(dir), DOFS_DEPLOY_STACKS: 'dofs-dev' });
      for (const key of Object.keys(env)) if (key.startsWith('DOFS_STATE') || key === 'DOFS_PERMISSIONS_BOUNDARY_ARN') delete env[key];
      for (const command of buildspec.phases.build.commands) {
        const result = await runProcess('bash', ['-c', command], { cwd: dir, env, timeoutMs: 300_000 });
        expect({ command, result: result.status === 0 ? 'ok' : describeTerraform(result) }).toEqual({ command, result: 'ok' });
      }
      const stackDir = join(dir, 'cdktf.out', 'stacks', 'dofs-dev');
      expect(existsSync(join(stackDir, 'tfplan'))).toBe(true);
      const shown = await terraform(stackDir, ['show', '-json', 'tfplan'], 60_000, awsEnv());
      const plan = JSON.parse(shown.stdout) as { resource_changes: { mode: string; change: { actions: string[] } }[] };
      const creates = plan.resource_changes.filter((c) => c.mode === 'managed' && c.change.actions.includes('create'));
      const resources = Object.values(readStack(join(dir, 'cdktf.out'), 'dofs-dev').resource).flatMap((r) => Object.keys(r));
      expect(creates).toHaveLength(resources.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 360_000);

  it('applies and destroys the cicd stack (token source, prod stage on); the token never reaches output', async () => {
    const outdir = synthToDir({ DOFS_PIPELINE_SOURCE: 'token', DOFS_PIPELINE_PROD: 'true' });
    const dir = join(outdir, 'stacks', 'dofs-cicd');
    const token = 'ghp_notARealToken000000000000000000000000';
    const vars = ['-var', 'github_repository=acme/dofs', '-var', 'state_bucket=dofs-terraform-state', '-var', `github_token=${token}`];
    try {
      const stack = readStack(outdir, 'dofs-cicd');
      const targets = motoTargets(stack);
      const init = await terraform(dir, ['init', '-input=false'], 120_000, awsEnv());
      expect(init.status === 0 ? 'ok' : describeTerraform(init)).toBe('ok');
      const apply = await terraform(dir, ['apply', '-auto-approve', '-input=false', ...vars, ...targets], 300_000, awsEnv());
      expect(apply.status === 0 ? 'ok' : describeTerraform(apply)).toBe('ok');
      expect(apply.stdout).toMatch(new RegExp(`Apply complete! Resources: ${targets.length} added`));
      expect(targets.some((t) => t.startsWith('-target=aws_codepipeline.'))).toBe(true);
      expect(`${apply.stdout}${apply.stderr}`).not.toContain(token);
      const outputs = JSON.parse((await terraform(dir, ['output', '-json'], 60_000, awsEnv())).stdout) as Record<string, { value: string }>;
      expect(outputs.pipeline_name!.value).toBe('dofs-pipeline');

      const destroy = await terraform(dir, ['destroy', '-auto-approve', '-input=false', ...vars, ...targets], 300_000, awsEnv());
      expect(destroy.status === 0 ? 'ok' : describeTerraform(destroy)).toBe('ok');
      const state = JSON.parse(readFileSync(join(outdir, '..', 'terraform.dofs-cicd.tfstate'), 'utf8')) as { resources: { mode: string }[] };
      expect(state.resources.filter((r) => r.mode === 'managed')).toEqual([]);
    } finally {
      removeSynthDir(outdir);
    }
  }, 600_000);

  it('names what moto cannot hold: the default source, a CodeStar connection, is validated but not applied', () => {
    const outdir = synthToDir();
    try {
      const targets = motoTargets(readStack(outdir, 'dofs-cicd'));
      expect(targets.some((t) => t.includes('codestarconnections'))).toBe(false);
      expect(targets.some((t) => t.startsWith('-target=aws_codepipeline.'))).toBe(false);
      process.stderr.write(`moto apply: aws_codestarconnections_connection not applied: ${MOTO_UNSUPPORTED.aws_codestarconnections_connection}\n`);
    } finally {
      removeSynthDir(outdir);
    }
  });
});

/** The env.variables of buildspec.yml, as CodeBuild sets them. */
function buildspecVariables(dir: string): Record<string, string> {
  const buildspec = parse(readFileSync(join(dir, 'buildspec.yml'), 'utf8')) as { env?: { variables?: Record<string, string> } };
  return buildspec.env?.variables ?? {};
}
