import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TerraformJson } from '../support/synth';
import { describeTerraform, runProcess, terraform, requireTerraform } from '../support/terraform';
import { checkout } from '../support/checkout';

requireTerraform();

/** `npm run export:terraform -- <dir>`, in a fresh checkout (the export builds). */
function exportTo(project: string, dir: string) {
  return runProcess('npm', ['run', 'export:terraform', '--', dir], { cwd: project, timeoutMs: 120_000 });
}

describe('npm run export:terraform', () => {
  let dir: string;
  let project: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dofs-export-'));
    project = checkout();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  });

  it('writes each stack as plain Terraform with its bundles, which terraform alone validates', async () => {
    const exported = await exportTo(project, dir);
    expect(exported.status === 0 ? 'ok' : describeTerraform(exported)).toBe('ok');
    const main = JSON.parse(readFileSync(join(dir, 'dofs-dev', 'main.tf.json'), 'utf8')) as TerraformJson;
    expect(Object.keys(main.resource.aws_sfn_state_machine ?? {})).toHaveLength(1);
    for (const fn of Object.values(main.resource.aws_lambda_function ?? {})) {
      expect(existsSync(join(dir, 'dofs-dev', String(fn.filename)))).toBe(true);
    }
    // The exported stack keeps using the state file `cdktf deploy` wrote in the project root.
    const { path: statePath } = (main.terraform.backend as { local: { path: string } }).local;
    expect(resolve(dir, 'dofs-dev', statePath)).toBe(join(project, 'terraform.dofs-dev.tfstate'));
    for (const stack of ['dofs-prod', 'dofs-cicd', 'dofs-bootstrap']) expect(existsSync(join(dir, stack, 'main.tf.json'))).toBe(true);
    const init = await terraform(join(dir, 'dofs-dev'), ['init', '-backend=false', '-input=false']);
    expect(init.status === 0 ? 'ok' : describeTerraform(init)).toBe('ok');
    const validate = await terraform(join(dir, 'dofs-dev'), ['validate']);
    expect(validate.status === 0 ? 'ok' : describeTerraform(validate)).toBe('ok');
  }, 120_000);
});
