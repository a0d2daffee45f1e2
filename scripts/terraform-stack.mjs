// The pipeline's Terraform steps, also runnable by hand:
//   npm run plan -- dofs-dev [dofs-prod]   synth, then terraform init, validate and plan -out=tfplan per stack
//   npm run apply -- dofs-dev             terraform init, then apply exactly the saved tfplan
// Stacks default to $DOFS_DEPLOY_STACKS (set by the pipeline), else dofs-dev.
//
// Both wait up to $DOFS_LOCK_TIMEOUT (default 10m) for the state lock another run holds, rather than fail.
// A saved plan whose state changed since it was made (a later run, a change by hand) is refused by
// Terraform as stale; apply then stops, applies nothing and says how to re-plan. It does not re-plan by
// itself: the deploy stage applies only what the Build stage planned after `npm test` passed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const [command, ...args] = process.argv.slice(2);
const stacks = args.length > 0 ? args : (process.env.DOFS_DEPLOY_STACKS ?? 'dofs-dev').split(/\s+/).filter(Boolean);
const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
const lockTimeout = `-lock-timeout=${process.env.DOFS_LOCK_TIMEOUT ?? '10m'}`;
const terraformEnv = { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' };

function run(cmd, cmdArgs, cwd = '.') {
  console.log(`$ ${[cmd, ...cmdArgs].join(' ')}${cwd === '.' ? '' : `   (in ${cwd})`}`);
  const result = spawnSync(cmd, cmdArgs, { cwd, stdio: 'inherit', env: terraformEnv });
  if (result.status !== 0) {
    console.error(`${cmd} ${cmdArgs[0] ?? ''} failed${result.error ? `: ${result.error.message}` : ` with exit code ${result.status}`}`);
    process.exit(result.status ?? 1);
  }
}

/** Runs terraform with its output passed through as it comes, and returns the exit status and output. */
async function terraformCapturing(args, dir) {
  console.log(`$ terraform ${args.join(' ')}   (in ${dir})`);
  const child = spawn('terraform', args, { cwd: dir, env: terraformEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const pass = (target) => (chunk) => {
    output += chunk;
    target.write(chunk);
  };
  child.stdout.on('data', pass(process.stdout));
  child.stderr.on('data', pass(process.stderr));
  const status = await new Promise((resolve) => child.once('close', resolve));
  return { status, output };
}

// Terraform's S3 lockfile: a conditional PutObject refused (412) is followed by a GetObject of the lock's
// details, for the message. When the holder releases its lock between the two, Terraform fails instead
// of retrying ("unable to retrieve file ... NoSuchKey"). Nothing was locked or applied, so try again.
const LOCK_RELEASED_WHILE_READ = /Error acquiring the state lock[\s\S]*unable to retrieve file[\s\S]*NoSuchKey/;
const LOCK_RACE_RETRIES = 3;

/** Runs terraform, again when it meets the lock race above (it then locked and changed nothing). */
async function terraformThroughLockRace(args, dir) {
  let { status, output } = await terraformCapturing(args, dir);
  for (let retry = 1; status !== 0 && retry <= LOCK_RACE_RETRIES && LOCK_RELEASED_WHILE_READ.test(output); retry += 1) {
    console.error(`dofs: the state lock was released while Terraform read who held it; nothing was changed. Trying again (${retry} of ${LOCK_RACE_RETRIES}).`);
    ({ status, output } = await terraformCapturing(args, dir));
  }
  return { status, output };
}

/** terraform apply tfplan, read for a stale plan and for the lock race above. */
async function applySavedPlan(stack, dir) {
  const { status, output } = await terraformThroughLockRace(['apply', '-input=false', '-no-color', lockTimeout, 'tfplan'], dir);
  if (status === 0) return;
  if (/Saved plan is stale/.test(output)) {
    console.error(
      `dofs: the saved plan for ${stack} is stale: its state changed after the Build stage planned it (another run, or a change by hand). ` +
        'Nothing was applied. Release the change again (or push) so the Build stage plans against the current state.',
    );
  } else {
    console.error(`terraform apply failed with exit code ${status}`);
  }
  process.exit(status ?? 1);
}

if (command === 'plan') {
  run('node', ['scripts/build.mjs']);
  run('node', ['dist/infra/main.cjs']);
  for (const stack of stacks) {
    const dir = join(outdir, 'stacks', stack);
    run('terraform', ['init', '-input=false', '-no-color'], dir);
    run('terraform', ['validate', '-no-color'], dir);
    const { status } = await terraformThroughLockRace(['plan', '-input=false', '-no-color', lockTimeout, '-out=tfplan'], dir);
    if (status !== 0) {
      console.error(`terraform plan failed with exit code ${status}`);
      process.exit(status ?? 1);
    }
  }
} else if (command === 'apply') {
  for (const stack of stacks) {
    const dir = join(outdir, 'stacks', stack);
    if (!existsSync(join(dir, 'tfplan'))) {
      console.error(`no saved plan in ${dir}: run \`npm run plan -- ${stack}\` first (the pipeline's Build stage does)`);
      process.exit(1);
    }
    run('terraform', ['init', '-input=false', '-no-color'], dir);
    await applySavedPlan(stack, dir);
  }
} else {
  console.error('usage: node scripts/terraform-stack.mjs plan|apply [stack ...]');
  process.exit(2);
}
