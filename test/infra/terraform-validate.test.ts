import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { removeSynthDir, synthToDir } from '../support/synth';
import { describeTerraform, terraform, requireTerraform } from '../support/terraform';

requireTerraform();

// Every optional part switched on, so it is validated too; the default variants are synthesized alike.
const VARIANTS: Record<string, Record<string, string>> = {
  defaults: {},
  'every option on': {
    DOFS_ALARM_EMAIL: 'ops@example.com',
    DOFS_JWT_ISSUER: 'https://issuer.example.com',
    DOFS_JWT_AUDIENCE: 'dofs',
    DOFS_STATE_BUCKET: 'dofs-terraform-state',
    DOFS_PERMISSIONS_BOUNDARY_ARN_DEV: 'arn:aws:iam::123456789012:policy/dofs-cicd-boundary-dev',
    DOFS_RESERVED_CONCURRENCY: 'fulfill_order=12',
    DOFS_PIPELINE_SOURCE: 'token',
    DOFS_PIPELINE_PROD: 'true',
  },
};

describe.each(Object.entries(VARIANTS))('terraform init (offline, from the plugin mirror) and validate: %s', (_, env) => {
  let outdir: string;
  beforeAll(() => {
    outdir = synthToDir(env);
  });
  afterAll(() => removeSynthDir(outdir));

  it('synthesizes dofs-dev, dofs-prod, dofs-cicd and dofs-bootstrap', () => {
    expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['dofs-bootstrap', 'dofs-cicd', 'dofs-dev', 'dofs-prod']);
  });

  it.each(['dofs-dev', 'dofs-prod', 'dofs-cicd', 'dofs-bootstrap'])('%s is valid Terraform', async (stack) => {
    const dir = join(outdir, 'stacks', stack);
    const init = await terraform(dir, ['init', '-backend=false', '-input=false']);
    expect({ stack, init: init.status === 0 ? 'ok' : describeTerraform(init) }).toEqual({ stack, init: 'ok' });
    const validate = await terraform(dir, ['validate']);
    expect({ stack, validate: validate.status === 0 ? 'ok' : describeTerraform(validate) }).toEqual({ stack, validate: 'ok' });
    expect(validate.stdout).toContain('Success! The configuration is valid.');
  });
});
