// Jest projects, each runnable alone: `npx jest --selectProjects unit|integration|e2e|reliability|infra|browser`.
// `npm test` runs the first four (no terraform, moto or Chromium needed); `npm run test:all` runs all six.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      // Keep import() native: fauxqs is an ES module, loaded by the integration setup outside the sandbox.
      module: { type: 'commonjs', ignoreDynamic: true },
    },
  ],
};

const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
  // Stryker's sandbox is a copy of the repository (package.json included) while a mutation run lasts.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  ...extra,
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    project('unit'),
    project('integration', {
      globalSetup: '<rootDir>/test/support/emulators-setup.ts',
      globalTeardown: '<rootDir>/test/support/emulators-teardown.ts',
    }),
    project('e2e', { setupFilesAfterEnv: ['<rootDir>/test/support/runtime-cleanup.ts'] }),
    project('reliability', { setupFilesAfterEnv: ['<rootDir>/test/support/runtime-cleanup.ts'] }),
    project('infra', { setupFilesAfterEnv: ['<rootDir>/test/support/cdktf-matchers.ts'] }),
    project('browser', { setupFilesAfterEnv: ['<rootDir>/test/support/runtime-cleanup.ts'] }),
  ],
  // Most suites wait on child processes, timers and sockets rather than compute: two workers per core
  // keep a 2-core machine busy (the fast suites take about half the time they take with one).
  maxWorkers: '200%',
  // A test that never settles fails at its own deadline; this is only the last resort.
  testTimeout: 60_000,
  // reports/junit*.xml is what CodeBuild publishes as the build's test report (a run that is not the
  // whole suite names its own file with JEST_JUNIT_OUTPUT_NAME, so runs in one build don't overwrite).
  reporters: ['default', ['jest-junit', { outputDirectory: 'reports', outputName: 'junit.xml', addFileAttribute: 'true' }]],
};
