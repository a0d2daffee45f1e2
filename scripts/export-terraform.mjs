// npm run export:terraform [-- <dir>]: every stack as plain Terraform in <dir>/<stack>/ (default
// terraform/), with its Lambda bundles, for teams that want to keep applying DOFS without cdktf.
//
// The export is Terraform's JSON syntax (main.tf.json), which terraform reads natively. Not HCL: cdktf
// 0.21's `synth --hcl` converter corrupts string attributes that hold JSON with references (the state
// machine definition, the queues' redrive policies, the dashboard), producing invalid Terraform.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const target = resolve(process.argv[2] ?? 'terraform');
const synthDir = mkdtempSync(join(tmpdir(), 'dofs-export-'));
const synth = spawnSync('npm', ['run', '--silent', 'synth'], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, CDKTF_OUTDIR: synthDir },
});
if (synth.status !== 0) process.exit(synth.status ?? 1);

for (const stack of readdirSync(join(synthDir, 'stacks'))) {
  const from = join(synthDir, 'stacks', stack);
  const to = join(target, stack);
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  // The Lambda bundles; the pipeline and bootstrap stacks have none.
  if (existsSync(join(from, 'assets'))) cpSync(join(from, 'assets'), join(to, 'assets'), { recursive: true });
  const config = JSON.parse(readFileSync(join(from, 'cdk.tf.json'), 'utf8'));
  const local = config.terraform?.backend?.local;
  // Keep using the state file `cdktf deploy` wrote in the project root, from the new location.
  if (local) local.path = relative(to, resolve(`terraform.${stack}.tfstate`));
  writeFileSync(join(to, 'main.tf.json'), `${JSON.stringify(config, null, 2)}\n`);
  console.log(`${relative(process.cwd(), to)}/main.tf.json`);
}
rmSync(synthDir, { recursive: true, force: true });
