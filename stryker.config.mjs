// Mutation testing (`npm run test:mutation`, about 20 minutes on 2 cores): how many deliberate faults in
// the handlers and the topology the unit tests catch. Fails below 80 % (thresholds.break). Reports go to
// reports/mutation/ (git-ignored, like the rest of reports/). While iterating, `npx stryker run --incremental`
// retests only what changed since the last run, and `npx stryker run --mutate <file>` one file.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    // The handlers and the domain they share, and the declarations the stacks, the local runtime and IAM
    // are generated from: a wrong grant, queue setting or state name is as much a bug as a wrong branch.
    'lambdas/**/*.ts',
    'topology/**/*.ts',
    // Left out: the entry points. They only wire the SDK clients, the environment and the handler together
    // at import (Lambda's init phase), with no branches of their own; the configuration they read is
    // mutated in lambdas/shared/config.ts, and test/unit/handler-entrypoints.test.ts checks what each reads.
    // (There are no type-only files to leave out: Stryker makes no mutants of types and interfaces.)
    '!lambdas/*/index.ts',
  ],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    // The unit tests only: see the comment at the top of jest.mutation.config.js.
    configFile: 'jest.mutation.config.js',
    // Each mutant runs only the test files that import (transitively) the file it is in. A file that
    // reaches the code through a dynamic require (handler-entrypoints.test.ts) is not counted for it.
    enableFindRelatedTests: true,
  },
  // Each mutant runs only the tests that executed its code. A mutant in code that runs at import (the
  // topology's constants, the order schema) is "static": it reruns every related test file.
  coverageAnalysis: 'perTest',
  // Two cores here: one runs the mutants, one is left for everything else on the machine.
  concurrency: 1,
  thresholds: { high: 90, low: 80, break: 80 },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, reportTests: false },
  // Build output and synthesized stacks are not read by the unit tests; copying them only slows the sandbox.
  ignorePatterns: ['dist', 'cdktf.out', '.dofs', 'bench/results', 'coverage'],
  // The sandbox (a copy of the repository) lives here during a run and is removed after it, even a failed one.
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
