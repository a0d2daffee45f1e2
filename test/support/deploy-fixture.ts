import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ACCOUNT } from './iam-enforcer';
import { motoBackendConfig, motoProviderOverride, startMoto, type Moto } from './moto';
import { readStack, removeSynthDir, synthToDir } from './synth';
import { describeTerraform, runProcess, terraform, terraformEnv, type TerraformResult } from './terraform';

/**
 * moto with IAM enforced for the CI roles, the state bucket, and the CI/CD roles and dev boundary as an
 * administrator creates them from the synthesized dofs-bootstrap and dofs-cicd stacks: the ground the
 * deploy-as-role tests stand on.
 */
export const STATE_BUCKET = 'dofs-terraform-state';
export const KEYS = { deployDev: 'AKIADOFSDEPLOYDEV001', build: 'AKIADOFSBUILDROLE001' } as const;
export const ROLES = { [KEYS.deployDev]: 'dofs-cicd-deploy-dev', [KEYS.build]: 'dofs-cicd-build' };
export const DEPLOY_DEV = ROLES[KEYS.deployDev];
const BOUNDARY_DEV = `arn:aws:iam::${ACCOUNT}:policy/dofs-cicd-boundary-dev`;
export const DEV_STATE_KEY = 'dofs/dofs-dev/terraform.tfstate';
export const as = (key: string) => ({ AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' });
const ADMIN = as('testing');
export const ok = (result: TerraformResult) => (result.status === 0 ? 'ok' : describeTerraform(result));

export interface Fixture {
  readonly moto: Moto;
  readonly outdir: string;
  /** Writes the moto provider override and backend config, and runs terraform init with `env`'s credentials. */
  prepare(stack: string, env: NodeJS.ProcessEnv): Promise<string>;
  /** SDK client options signed with `key` (the administrator's by default), pointed at the proxy. */
  client(key?: string): { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string }; forcePathStyle: boolean };
  stop(): Promise<void>;
}

/** moto with IAM enforced, the state bucket, and the CI/CD roles and dev boundary as an administrator creates them. */
export async function startFixture(): Promise<Fixture> {
  const moto = await startMoto({ roles: ROLES });
  const outdir = synthToDir({
    DOFS_STATE_BUCKET: STATE_BUCKET,
    DOFS_PIPELINE_SOURCE: 'token',
    DOFS_PIPELINE_PROD: 'true',
    DOFS_PERMISSIONS_BOUNDARY_ARN_DEV: BOUNDARY_DEV,
    DOFS_ALARM_EMAIL: 'ops@example.com',
  });
  const prepare = async (stack: string, env: NodeJS.ProcessEnv) => {
    const dir = join(outdir, 'stacks', stack);
    writeFileSync(join(dir, 'moto_override.tf.json'), JSON.stringify(motoProviderOverride(moto.endpoint, { fromEnvironment: true }), null, 2));
    writeFileSync(join(dir, 'moto.s3.tfbackend'), motoBackendConfig(moto.endpoint));
    const init = await terraform(dir, ['init', '-input=false', '-reconfigure', ...(stack === 'dofs-bootstrap' ? [] : ['-backend-config=moto.s3.tfbackend'])], 120_000, env);
    if (init.status !== 0) throw new Error(`terraform init of ${stack} failed: ${describeTerraform(init)}`);
    return dir;
  };
  // All of the bootstrap but the bucket policy: its TLS-only Deny holds in moto too, and these calls are plain HTTP.
  const bootstrap = await prepare('dofs-bootstrap', ADMIN);
  const bucketParts = Object.entries(readStack(outdir, 'dofs-bootstrap').resource)
    .filter(([type]) => type !== 'aws_s3_bucket_policy')
    .flatMap(([type, items]) => Object.keys(items).map((name) => `-target=${type}.${name}`));
  const created = await terraform(bootstrap, ['apply', '-auto-approve', '-input=false', '-var', `state_bucket=${STATE_BUCKET}`, ...bucketParts], 300_000, ADMIN);
  if (created.status !== 0) throw new Error(`bootstrap failed: ${describeTerraform(created)}`);
  const cicd = await prepare('dofs-cicd', ADMIN);
  const roles = Object.keys(readStack(outdir, 'dofs-cicd').resource.aws_iam_role_policy ?? {}).map((name) => `-target=aws_iam_role_policy.${name}`);
  const vars = ['-var', 'github_repository=acme/dofs', '-var', `state_bucket=${STATE_BUCKET}`, '-var', 'github_token=unused'];
  const applied = await terraform(cicd, ['apply', '-auto-approve', '-input=false', '-parallelism=20', ...vars, ...roles, '-target=aws_iam_policy.boundary_dev'], 300_000, ADMIN);
  if (applied.status !== 0) throw new Error(`dofs-cicd roles failed: ${describeTerraform(applied)}`);
  return {
    moto,
    outdir,
    prepare,
    client: (key = 'testing') => ({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: key, secretAccessKey: 'testing' }, forcePathStyle: true }),
    async stop() {
      await moto.stop();
      removeSynthDir(outdir);
    },
  };
}

/** The deploy stage's own command (`npm run apply -- dofs-dev`), run as the dev deploy role against moto. */
export function deployStage(fixture: Fixture, extra: NodeJS.ProcessEnv = {}): Promise<TerraformResult> {
  const env = terraformEnv({ ...as(KEYS.deployDev), CDKTF_OUTDIR: fixture.outdir, TF_CLI_ARGS_init: '-backend-config=moto.s3.tfbackend', ...extra });
  return runProcess('node', [resolve('scripts/terraform-stack.mjs'), 'apply', 'dofs-dev'], { cwd: process.cwd(), env, timeoutMs: 300_000 });
}

