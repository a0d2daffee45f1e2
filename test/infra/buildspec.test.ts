import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEPLOY_BUILDSPEC } from '../../cicd/pipeline-stack';
import { PROVIDER_VERSION } from '../support/terraform';

const ROOT = join(__dirname, '..', '..');
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

type Buildspec = {
  phases: Record<string, { commands?: string[] }>;
  reports?: Record<string, { files: string[]; 'base-directory': string }>;
};

const load = (file: string) => parse(readFileSync(join(ROOT, file), 'utf8')) as Buildspec;
const BUILDSPECS = { 'buildspec.yml': load('buildspec.yml'), [DEPLOY_BUILDSPEC]: load(DEPLOY_BUILDSPEC) };
const commandsOf = (buildspec: Buildspec) => Object.values(buildspec.phases).flatMap((phase) => phase.commands ?? []);

/** The npm script a command runs (`npm test` is `npm run test`), or undefined for anything else. */
function scriptOf(command: string): string | undefined {
  if (command === 'npm test') return 'test';
  return /^npm run ([\w:-]+)(?: -- .*)?$/.exec(command)?.[1];
}

describe.each(Object.entries(BUILDSPECS))('%s', (_, buildspec) => {
  it('runs only npm scripts that exist (and npm ci), so CodeBuild runs what a developer runs', () => {
    const commands = commandsOf(buildspec);
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) {
      const script = scriptOf(command);
      expect({ command, runs: script && scripts[script] ? 'an npm script' : /^npm ci\b/.test(command) ? 'npm ci' : 'something else' }).toEqual({
        command,
        runs: expect.stringMatching(/^(an npm script|npm ci)$/),
      });
    }
  });
});

describe('buildspec.yml (Build stage)', () => {
  const buildspec = BUILDSPECS['buildspec.yml'];
  const commands = commandsOf(buildspec);

  it('runs the README test command and the infrastructure suite before it plans', () => {
    const plan = commands.indexOf('npm run plan');
    expect(plan).toBeGreaterThan(-1);
    for (const test of ['npm test', 'npm run test:infra']) {
      expect(commands.indexOf(test)).toBeGreaterThan(-1);
      expect(commands.indexOf(test)).toBeLessThan(plan);
    }
  });

  it('publishes every JUnit file its test commands write as the CodeBuild test report', () => {
    // jest-junit writes outputDirectory/outputName, with JEST_JUNIT_OUTPUT_NAME taking precedence.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.config.js is CommonJS, read as jest reads it
    const jestConfig = require(join(ROOT, 'jest.config.js')) as { reporters: (string | [string, { outputDirectory: string; outputName: string }])[] };
    const junit = jestConfig.reporters.find((reporter): reporter is [string, { outputDirectory: string; outputName: string }] => Array.isArray(reporter) && reporter[0] === 'jest-junit');
    expect(junit).toBeDefined();
    const written = commands
      .map(scriptOf)
      .filter((script): script is string => Boolean(script && /\bjest\b/.test(scripts[script] ?? '')))
      .map((script) => /JEST_JUNIT_OUTPUT_NAME=(\S+)/.exec(scripts[script]!)?.[1] ?? junit![1].outputName);
    expect(written.length).toBeGreaterThanOrEqual(2);
    const group = buildspec.reports!.jest!;
    expect(group['base-directory']).toBe(junit![1].outputDirectory);
    expect([...group.files].sort()).toEqual([...new Set(written)].sort());
  });
});

describe('cicd/install-tools.sh', () => {
  it('installs the AWS provider version the tests and stacks bind to', () => {
    const script = readFileSync(join(ROOT, 'cicd', 'install-tools.sh'), 'utf8');
    expect(/^AWS_PROVIDER_VERSION=(\S+)$/m.exec(script)?.[1]).toBe(PROVIDER_VERSION);
  });
});
