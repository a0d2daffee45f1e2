/**
 * The folder rules of ARCHITECTURE.md, checked by `npm run lint:deps` (part of `npm test`).
 * Each rule's comment is what a failing import is told.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'test-only-from-tests',
      comment: 'Only tests import test/: code both the product and the tests use lives in the product.',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'topology-imports-nothing',
      comment: 'topology/ holds the shared declarations and imports nothing else of the project.',
      severity: 'error',
      from: { path: '^topology/' },
      to: { pathNot: ['^topology/', 'node_modules'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'lambdas-import-lambdas-and-topology',
      comment: 'Handlers import only lambdas/ and topology/ (and packages).',
      severity: 'error',
      from: { path: '^lambdas/' },
      to: { pathNot: ['^lambdas/', '^topology/', 'node_modules'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'infrastructure-not-on-tools',
      comment: 'stacks/ and cicd/ describe what deploys: they never import the local runtime, the CLI or the benchmark.',
      severity: 'error',
      from: { path: '^(stacks|cicd)/' },
      to: { path: '^(local|cli|bench|console)/' },
    },
    {
      name: 'local-reads-not-constructs',
      comment: 'local/ reads topology/; it never imports the stacks or the pipeline.',
      severity: 'error',
      from: { path: '^local/' },
      to: { path: '^(stacks|cicd|cli|bench|app)/' },
    },
    {
      name: 'no-circular',
      comment: 'No import circles between files.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      comment: 'No import circles between folders: one folder imports another in one direction only.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^node_modules', '^dist/', '^cdktf\\.out/', '^reports/', '^\\.stryker-tmp/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.mjs', '.js', '.cjs', '.json', '.d.ts'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
