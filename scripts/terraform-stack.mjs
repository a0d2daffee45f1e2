// The pipeline's Terraform steps, also runnable by hand:
//   npm run plan -- dofs-dev [dofs-prod]   synth, then terraform init, validate and plan -out=tfplan per stack
//   npm run apply -- dofs-dev             terraform init, then apply exactly the saved tfplan
// Stacks default to $DOFS_DEPLOY_STACKS (set by the pipeline), else dofs-dev.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const [command, ...args] = process.argv.slice(2);
const stacks = args.length > 0 ? args : (process.env.DOFS_DEPLOY_STACKS ?? 'dofs-dev').split(/\s+/).filter(Boolean);
const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';

function run(cmd, cmdArgs, cwd = '.') {
  console.log(`$ ${[cmd, ...cmdArgs].join(' ')}${cwd === '.' ? '' : `   (in ${cwd})`}`);
  const result = spawnSync(cmd, cmdArgs, { cwd, stdio: 'inherit', env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' } });
  if (result.status !== 0) {
    console.error(`${cmd} ${cmdArgs[0] ?? ''} failed${result.error ? `: ${result.error.message}` : ` with exit code ${result.status}`}`);
    process.exit(result.status ?? 1);
  }
}

if (command === 'plan') {
  run('node', ['scripts/build.mjs']);
  run('node', ['dist/infra/main.cjs']);
  for (const stack of stacks) {
    const dir = join(outdir, 'stacks', stack);
    run('terraform', ['init', '-input=false', '-no-color'], dir);
    run('terraform', ['validate', '-no-color'], dir);
    run('terraform', ['plan', '-input=false', '-no-color', '-out=tfplan'], dir);
  }
} else if (command === 'apply') {
  for (const stack of stacks) {
    const dir = join(outdir, 'stacks', stack);
    if (!existsSync(join(dir, 'tfplan'))) {
      console.error(`no saved plan in ${dir}: run \`npm run plan -- ${stack}\` first (the pipeline's Build stage does)`);
      process.exit(1);
    }
    run('terraform', ['init', '-input=false', '-no-color'], dir);
    run('terraform', ['apply', '-input=false', '-no-color', 'tfplan'], dir);
  }
} else {
  console.error('usage: node scripts/terraform-stack.mjs plan|apply [stack ...]');
  process.exit(2);
}
