// Bundles the Lambda handlers (the artifacts that deploy), the local runtime, the benchmark and the cdktf app.
// Skips the work when nothing it read has changed since the last build (`--force` rebuilds anyway).
import { build } from 'esbuild';
import { zipSync } from 'fflate';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { lambdaBundleOptions } from './lambda-bundle.mjs';

const lambdas = readdirSync('lambdas').filter((dir) => existsSync(`lambdas/${dir}/index.ts`));

// Every file the last build read (from esbuild's metafiles), plus what decides how it builds: the
// lockfile (dependencies), the TypeScript config and this script. Size and mtime, as make would.
const INPUTS_FILE = 'dist/.build-inputs.json';
const BUILD_CONFIG = ['package-lock.json', 'tsconfig.json', 'scripts/build.mjs', 'scripts/lambda-bundle.mjs', 'console/index.html'];
const signature = (path) => {
  try {
    const { size, mtimeMs } = statSync(path);
    return `${size}:${mtimeMs}`;
  } catch {
    return 'missing';
  }
};

function upToDate() {
  if (process.argv.includes('--force')) return false;
  try {
    const { entries, inputs, outputs } = JSON.parse(readFileSync(INPUTS_FILE, 'utf8'));
    return (
      entries === lambdas.join(',') &&
      outputs.every((path) => existsSync(path)) &&
      Object.entries(inputs).every(([path, recorded]) => signature(path) === recorded)
    );
  } catch {
    return false;
  }
}

// The deployment zips are for synth and deploy; `npm start` runs the bundles and skips them (--no-zip).
const withZips = !process.argv.includes('--no-zip');

// Zip archives record a modification time: a fixed one (as SOURCE_DATE_EPOCH would) makes an unchanged
// bundle zip to the same bytes, so Terraform's source_code_hash changes only when the code does. Made
// here rather than by cdktf: its ARCHIVE assets spawn one Node process per function and stack at every
// synth (3 s of a 4 s synth). Mode 0644 so that Lambda can read the file.
const FIXED_TIME = new Date('2000-01-01T00:00:00Z');
function zipMissingBundles() {
  for (const name of lambdas) {
    const archive = `dist/lambdas/${name}.zip`;
    if (existsSync(archive)) continue;
    const bundle = readFileSync(`dist/lambdas/${name}/index.mjs`);
    writeFileSync(archive, zipSync({ 'index.mjs': [bundle, { level: 6, mtime: FIXED_TIME, os: 3, attrs: 0o100644 << 16 }] }));
  }
}

if (upToDate()) {
  if (withZips) zipMissingBundles();
  console.log('dist/ is up to date');
  process.exit(0);
}

rmSync('dist', { recursive: true, force: true });

const common = { bundle: true, platform: 'node', target: 'node22', format: 'esm', outdir: 'dist', outExtension: { '.js': '.mjs' }, logLevel: 'warning', metafile: true };

const results = await Promise.all([
  build({
    ...lambdaBundleOptions,
    outdir: 'dist',
    metafile: true,
    entryPoints: Object.fromEntries(lambdas.map((name) => [`lambdas/${name}/index`, `lambdas/${name}/index.ts`])),
  }),
  build({
    ...common,
    entryPoints: {
      'local/main': 'local/main.ts',
      'local/start': 'local/start.ts',
      'local/emulator-worker': 'local/emulator-worker.ts',
      'local/function-worker': 'local/function-worker.ts',
      'bench/main': 'bench/main.ts',
      'cli/main': 'cli/main.ts',
    },
    // The runtime's and the benchmark's own dependencies (emulators, esbuild) stay in node_modules.
    packages: 'external',
    sourcemap: true,
    // Dynamic imports become chunks that load when imported: the runtime's start-up overlaps loading
    // its heavy dependencies with the emulator thread's own start.
    splitting: true,
    chunkNames: 'local/chunks/[name]-[hash]',
  }),
  build({
    ...common,
    entryPoints: { 'infra/main': 'main.ts' },
    // CommonJS: the provider's deep imports are directories, which only require() resolves.
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    packages: 'external',
  }),
  // The local console: one script and one stylesheet for the browser, no framework.
  build({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    minify: true,
    sourcemap: true,
    entryPoints: ['console/app.ts', 'console/app.css'],
    outbase: '.',
    outdir: 'dist',
    logLevel: 'warning',
    metafile: true,
  }),
]);
mkdirSync('dist/console', { recursive: true });
copyFileSync('console/index.html', 'dist/console/index.html');

for (const name of lambdas) utimesSync(`dist/lambdas/${name}/index.mjs`, FIXED_TIME, FIXED_TIME);
if (withZips) zipMissingBundles();

const inputs = [...new Set([...results.flatMap((result) => Object.keys(result.metafile.inputs)), ...BUILD_CONFIG])].sort();
const outputs = results.flatMap((result) => Object.keys(result.metafile.outputs));
writeFileSync(
  INPUTS_FILE,
  JSON.stringify({ entries: lambdas.join(','), outputs, inputs: Object.fromEntries(inputs.map((path) => [path, signature(path)])) }),
);

console.log(`built ${lambdas.length} handler bundles, the local runtime and its console, the command line, the benchmark and the cdktf app into dist/`);
