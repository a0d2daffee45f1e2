// `npm run lint`: typescript-eslint with type information for every .ts file (tsconfig.json, and
// console/tsconfig.json for the browser code), the base recommended rules plus the promise rules for
// the .mjs/.js scripts and configs, and no focused, skipped or to-do tests in test/.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import jest from 'eslint-plugin-jest';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS = ['**/*.ts', '**/*.mts', '**/*.cts'];
const JS = ['**/*.js', '**/*.mjs', '**/*.cjs'];

// One TypeScript project service per ESLint process, created with the options of the first file parsed:
// every block must pass the same ones. .ts files are found in tsconfig.json / console/tsconfig.json; the
// JavaScript files, in no tsconfig, get the default project (~1 s of ~10 s for all of them). A .mjs/.js file
// in another folder must be added to allowDefaultProject (the lint says so).
const parserOptions = {
  projectService: {
    allowDefaultProject: ['*.js', '*.mjs', '.*.cjs', 'bin/*.mjs', 'scripts/*.mjs'],
    maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 30,
  },
  tsconfigRootDir: import.meta.dirname,
};

// Any reference to a skipped, focused or to-do test, however it is written: `describe.skip(...)`,
// `(ok ? describe : describe.skip)(...)`, `const d = describe.skip`, `it.concurrent.only`, `test['todo']`.
const JEST_FN = '/^(describe|it|test)$/';
const MODIFIER = '/^(skip|only|todo)$/';
const SKIPPED = 'No skipped, focused or to-do tests: every test must run and be able to fail.';
const noSkippedTests = [
  { selector: `MemberExpression[object.name=${JEST_FN}]:matches([property.name=${MODIFIER}], [property.value=${MODIFIER}])`, message: SKIPPED },
  { selector: `MemberExpression[object.object.name=${JEST_FN}]:matches([property.name=${MODIFIER}], [property.value=${MODIFIER}])`, message: SKIPPED },
  { selector: 'Identifier[name=/^(xdescribe|xit|xtest|fdescribe|fit)$/]', message: SKIPPED },
  { selector: `VariableDeclarator[init.name=${JEST_FN}][id.type="ObjectPattern"]`, message: 'Do not destructure describe/it/test: it hides .skip/.only/.todo.' },
];

export default defineConfig([
  // Build output, generated code, reports and Stryker's sandbox (a full copy of the repository).
  globalIgnores([
    'node_modules/',
    'dist/',
    'cdktf.out/',
    '.gen/',
    '.terraform/',
    '.dofs/',
    '.stryker-tmp/',
    'coverage/',
    'reports/',
    'bench/results/',
  ]),

  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  // JavaScript: the build scripts, the CLI shim and the tool configs (this file included).
  {
    files: JS,
    extends: [js.configs.recommended],
    plugins: { '@typescript-eslint': tseslint.plugin },
    languageOptions: {
      globals: globals.node,
      parser: tseslint.parser,
      parserOptions,
    },
    // Only the promise rules: without checkJs most values are `any`, so the no-unsafe-* rules would be noise.
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  { files: ['**/*.js', '**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },

  // TypeScript, type-aware: each file is in tsconfig.json or console/tsconfig.json.
  {
    files: TS,
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `return promise` inside try/catch skips the catch: await it there (and only there).
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/no-explicit-any': 'error',
      // `_` marks a deliberately unused parameter or binding, as tsc's noUnusedParameters accepts.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'all',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
      '@typescript-eslint/no-unused-expressions': 'error',
      'no-unused-private-class-members': 'off', // replaced by the next, which also knows TypeScript's `private`
      '@typescript-eslint/no-unused-private-class-members': 'error',
      // typescript-eslint turns this off because tsc can report it, but tsc only does with allowUnreachableCode: false.
      'no-unreachable': 'error',
      // Off: `async` without `await` is deliberate here (a sync throw becomes a rejection; mocks of async interfaces).
      '@typescript-eslint/require-await': 'off',
      // Off: every finding is String(x ?? fallback) of untyped JSON (unknown narrowed to {}); `${object}` is still restrict-template-expressions'.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },

  // Tests: nothing focused, skipped or left to do, and every expect() able to fail.
  {
    files: ['test/**/*.ts'],
    plugins: { jest },
    languageOptions: { globals: globals.jest },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'no-restricted-syntax': ['error', ...noSkippedTests],
      // No expect() without a matcher, no un-awaited .resolves/.rejects, no two tests with one title.
      'jest/valid-expect': 'error',
      'jest/no-identical-title': 'error',
      // Off in tests: @types/jest types the asymmetric matchers (expect.any, expect.stringMatching...) as any.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },

  // Test helpers wrap loosely typed emulators and SDK internals.
  {
    files: ['test/support/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
]);
