import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Terraform, the AWS provider mirror and moto are on every machine of this project (and installed in
 * CodeBuild by `npm run ci:install-tools`). The suites that need them run in `npm run test:infra` and
 * `npm run test:all`, never in `npm test`; where a tool is missing they fail, naming it, rather than skip.
 */
export const PROVIDER_VERSION = '5.100.0';
const MIRROR_CANDIDATES = [process.env.DOFS_TF_PLUGIN_MIRROR, '/opt/tf-plugins', join(process.env.HOME ?? '', '.terraform.d', 'plugins')];

function providerMirror(): string | undefined {
  return MIRROR_CANDIDATES.filter((dir): dir is string => Boolean(dir)).find((dir) =>
    existsSync(join(dir, 'registry.terraform.io', 'hashicorp', 'aws', PROVIDER_VERSION)),
  );
}

function commandWorks(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 20_000 });
  return result.status === 0;
}

export class MissingToolError extends Error {
  constructor(what: string, missing: string[]) {
    super(`${what} need tools this machine lacks: ${missing.join('; ')}. Install them with \`npm run ci:install-tools\`, or run \`npm test\`, which needs none.`);
    this.name = 'MissingToolError';
  }
}

function terraformMissing(): string[] {
  const missing: string[] = [];
  if (!commandWorks('terraform', ['version'])) missing.push('terraform is not on PATH');
  if (!providerMirror()) missing.push(`no plugin mirror holds hashicorp/aws ${PROVIDER_VERSION} (set DOFS_TF_PLUGIN_MIRROR)`);
  return missing;
}

/** Throws, naming what is missing, unless terraform and the provider mirror are here. */
export function requireTerraform(): void {
  const missing = terraformMissing();
  if (missing.length > 0) throw new MissingToolError('The terraform tests', missing);
}

/** Throws, naming what is missing, unless terraform, the provider mirror and moto are here. */
export function requireMoto(): void {
  const missing = terraformMissing();
  if (!commandWorks('moto_server', ['--help'])) missing.push('moto_server is not on PATH');
  if (missing.length > 0) throw new MissingToolError('The moto apply tests', missing);
}

/** A Terraform CLI config that installs the AWS provider from the local mirror only (offline). */
export function cliConfig(): string {
  const dir = join(tmpdir(), 'dofs-terraform');
  const cache = join(dir, 'plugin-cache');
  mkdirSync(cache, { recursive: true });
  const path = join(dir, 'cli.tfrc');
  writeFileSync(
    path,
    `plugin_cache_dir = "${cache}"
provider_installation {
  filesystem_mirror {
    path    = "${providerMirror()}"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
`,
  );
  return path;
}

export interface TerraformResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command without blocking the event loop: the moto proxy is served from this same process,
 * and a synchronous spawn would leave every request the provider makes unanswered.
 */
export function runProcess(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<TerraformResult> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timeoutMs = options.timeoutMs ?? 300_000;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs} ms]`;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The environment terraform runs with here: offline provider installation, no prompts. */
export function terraformEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, TF_CLI_CONFIG_FILE: cliConfig(), TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0', ...extra };
}

export function terraform(cwd: string, args: string[], timeoutMs = 300_000, env: NodeJS.ProcessEnv = {}): Promise<TerraformResult> {
  return runProcess('terraform', [...args, '-no-color'], { cwd, env: terraformEnv(env), timeoutMs });
}

export function describeTerraform(result: TerraformResult): string {
  return `exit ${result.status}\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`;
}
