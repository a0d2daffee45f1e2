import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEPLOY_BUILDSPEC } from '../../cicd/pipeline-stack';
import { PROVIDER_VERSION } from '../support/terraform';

const ROOT = join(__dirname, '..', '..');
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

type Buildspec = {
  version: number | string;
  env?: { variables?: Record<string, string> };
  phases: Record<string, { 'runtime-versions'?: Record<string, string | number>; commands?: string[] }>;
  reports?: Record<string, { files: string[]; 'base-directory': string; 'file-format': string }>;
  artifacts?: { files: string[]; 'exclude-paths'?: string[] };
};

const load = (file: string) => parse(readFileSync(join(ROOT, file), 'utf8')) as Buildspec;
const BUILDSPECS = { 'buildspec.yml': load('buildspec.yml'), [DEPLOY_BUILDSPEC]: load(DEPLOY_BUILDSPEC) };

/** What a command runs: an npm script (which must exist), or npm's own ci/test. */
function resolveCommand(command: string): string {
  const run = /^npm run ([\w:-]+)(?: -- .*)?$/.exec(command);
  if (run) return scripts[run[1]!] ? `script:${run[1]}` : `missing script ${run[1]}`;
  if (/^npm ci( --no-audit| --no-fund)*$/.test(command)) return 'npm ci';
  if (command === 'npm test') return scripts.test ? 'script:test' : 'missing script test';
  return `unresolved: ${command}`;
}

describe.each(Object.entries(BUILDSPECS))('%s', (_, buildspec) => {
  it('is version 0.2 on the Node 22 runtime', () => {
    expect(String(buildspec.version)).toBe('0.2');
    expect(buildspec.phases.install!['runtime-versions']!.nodejs).toBe(22);
  });

  it('runs only npm scripts, so CodeBuild runs what a developer runs', () => {
    const commands = Object.values(buildspec.phases).flatMap((phase) => phase.commands ?? []);
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect({ command, runs: resolveCommand(command) }).toEqual({ command, runs: expect.stringMatching(/^(script:|npm ci$)/) });
  });
});

describe('buildspec.yml (Build stage)', () => {
  const buildspec = BUILDSPECS['buildspec.yml'];

  it('installs the pinned tools, tests, then plans', () => {
    expect(buildspec.phases.install!.commands).toEqual(['npm run ci:install-tools', 'npm ci --no-audit --no-fund']);
    expect(buildspec.phases.pre_build!.commands).toEqual(['npm test']);
    expect(buildspec.phases.build!.commands).toEqual(['npm run plan']);
    expect(buildspec.env!.variables!.DOFS_REQUIRE_INFRA_TOOLS).toBe('1');
  });

  it('publishes the jest results as a CodeBuild test report', () => {
    expect(buildspec.reports!.jest).toEqual({ files: ['junit.xml'], 'base-directory': 'reports', 'file-format': 'JUNITXML' });
    const jestConfig = readFileSync(join(ROOT, 'jest.config.js'), 'utf8');
    expect(jestConfig).toMatch(/'jest-junit', \{ outputDirectory: 'reports', outputName: 'junit\.xml'/);
  });

  it('hands the workspace with its saved plans to the deploy stages, without node_modules or providers', () => {
    expect(buildspec.artifacts).toEqual({ files: ['**/*'], 'exclude-paths': ['node_modules/**/*', '**/.terraform/**/*'] });
  });
});

describe('cicd/install-tools.sh', () => {
  const script = readFileSync(join(ROOT, 'cicd', 'install-tools.sh'), 'utf8');

  it('pins terraform with a SHA-256 it checks, moto, and the AWS provider the stacks bind to', () => {
    expect(script).toMatch(/^TERRAFORM_VERSION=1\.11\.4$/m);
    expect(script).toMatch(/^TERRAFORM_SHA256=[0-9a-f]{64}$/m);
    expect(script).toMatch(/sha256sum -c -/);
    expect(script).toMatch(/^MOTO_VERSION=5\.2\.1$/m);
    expect(script).toMatch(new RegExp(`^AWS_PROVIDER_VERSION=${PROVIDER_VERSION.replace(/\./g, '\\.')}$`, 'm'));
    // @cdktf/provider-aws 20.1.0 is the binding generated for AWS provider 5.100.0.
    const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(dependencies['@cdktf/provider-aws']).toBe('20.1.0');
  });
});
