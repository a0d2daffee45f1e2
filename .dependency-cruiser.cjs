/**
 * The folder rules of ARCHITECTURE.md, checked by `npm run lint:deps` (part of `npm run lint`, so of
 * `npm test`). A broken rule prints the rule's name and the import, e.g.
 * `error test-only-from-tests: bench/pipeline.ts → test/support/runtime-process.ts`; the rule's
 * comment below says why it exists.
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
      comment: 'stacks/, cicd/, platform/ and app/ describe what deploys: they never import the local runtime, the CLI, the console or the benchmark.',
      severity: 'error',
      from: { path: '^(stacks|cicd|platform|app)/|^main\\.ts$' },
      to: { path: '^(local|cli|bench|console)/' },
    },
    {
      name: 'service-and-pipeline-meet-in-platform',
      comment: 'stacks/ (the service) and cicd/ (the pipeline) never import each other: what both use is in platform/, and app/ assembles both.',
      severity: 'error',
      from: { path: '^(stacks|cicd)/' },
      to: { path: '^(stacks|cicd)/', pathNot: '^$1/' },
    },
    {
      name: 'platform-below-the-stacks',
      comment: 'platform/ is what both kinds of stack build on: it imports neither of them, nor the app.',
      severity: 'error',
      from: { path: '^platform/' },
      to: { path: '^(stacks|cicd|app)/' },
    },
    {
      name: 'app-only-from-main',
      comment: 'app/ assembles every stack; only main.ts (the cdktf entry) and tests use it.',
      severity: 'error',
      from: { pathNot: '^(main\\.ts|app/|test/)' },
      to: { path: '^app/' },
    },
    {
      name: 'local-reads-not-constructs',
      comment: 'local/ reads topology/ and runs lambdas/; it never imports the infrastructure (stacks, pipeline, platform, app) or the tools above it.',
      severity: 'error',
      from: { path: '^local/' },
      to: { path: '^(stacks|cicd|platform|app|cli|bench)/' },
    },
    {
      name: 'nothing-on-bench',
      comment: 'bench/ measures the product from on top: nothing of the product imports it (the CLI included).',
      severity: 'error',
      from: { path: '^(topology|lambdas|stacks|cicd|platform|app|local|cli|console)/' },
      to: { path: '^bench/' },
    },
    {
      name: 'console-reads-topology',
      comment: 'console/ is the browser page: it may use topology/ and the types local/ serves, nothing else of the project.',
      severity: 'error',
      from: { path: '^console/' },
      to: { path: '^(lambdas|stacks|cicd|platform|app|cli|bench)/' },
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
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.mjs', '.js', '.cjs', '.d.ts'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
