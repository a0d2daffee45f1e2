import { join } from 'node:path';
import { ENVIRONMENTS } from '../../stacks/config';
import { removeSynthDir, synthToDir } from '../support/synth';
import { describeTerraform, terraform, terraformTools } from '../support/terraform';

const tools = terraformTools();
const suite = tools.available ? describe : describe.skip;

suite('terraform init (offline, from the plugin mirror) and validate', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = synthToDir({ DOFS_ALARM_EMAIL: 'ops@example.com', DOFS_JWT_ISSUER: 'https://issuer.example.com', DOFS_JWT_AUDIENCE: 'dofs' });
  });
  afterAll(() => removeSynthDir(outdir));

  it.each(ENVIRONMENTS.map((environment) => `dofs-${environment}`))('%s is valid Terraform', async (stack) => {
    const dir = join(outdir, 'stacks', stack);
    const init = await terraform(dir, ['init', '-backend=false', '-input=false']);
    expect({ stack, init: init.status === 0 ? 'ok' : describeTerraform(init) }).toEqual({ stack, init: 'ok' });
    const validate = await terraform(dir, ['validate']);
    expect({ stack, validate: validate.status === 0 ? 'ok' : describeTerraform(validate) }).toEqual({ stack, validate: 'ok' });
    expect(validate.stdout).toContain('Success! The configuration is valid.');
  });
});
