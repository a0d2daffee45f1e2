import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TerraformJson } from '../support/synth';
import { describeTerraform, terraform, terraformTools } from '../support/terraform';

const ROOT = resolve(__dirname, '..', '..');
const tools = terraformTools();
const suite = tools.available ? describe : describe.skip;

function exportTo(dir: string): Promise<number | null> {
  const child = spawn(process.execPath, ['scripts/export-terraform.mjs', dir], { cwd: ROOT, stdio: 'ignore' });
  return new Promise((done) => child.once('close', done));
}

suite('npm run export:terraform', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dofs-export-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes each stack as plain Terraform with its bundles, which terraform alone validates', async () => {
    expect(await exportTo(dir)).toBe(0);
    const main = JSON.parse(readFileSync(join(dir, 'dofs-dev', 'main.tf.json'), 'utf8')) as TerraformJson;
    expect(Object.keys(main.resource.aws_sfn_state_machine ?? {})).toHaveLength(1);
    for (const fn of Object.values(main.resource.aws_lambda_function ?? {})) {
      expect(existsSync(join(dir, 'dofs-dev', String(fn.filename)))).toBe(true);
    }
    // The exported stack keeps using the state file `cdktf deploy` wrote in the project root.
    const { path: statePath } = (main.terraform.backend as { local: { path: string } }).local;
    expect(resolve(dir, 'dofs-dev', statePath)).toBe(join(ROOT, 'terraform.dofs-dev.tfstate'));
    expect(existsSync(join(dir, 'dofs-prod', 'main.tf.json'))).toBe(true);
    const init = await terraform(join(dir, 'dofs-dev'), ['init', '-backend=false', '-input=false']);
    expect(init.status === 0 ? 'ok' : describeTerraform(init)).toBe('ok');
    const validate = await terraform(join(dir, 'dofs-dev'), ['validate']);
    expect(validate.status === 0 ? 'ok' : describeTerraform(validate)).toBe('ok');
  }, 120_000);
});
