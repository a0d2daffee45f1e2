// Bundles the five Lambda handlers (the artifacts that deploy) and the local runtime with esbuild.
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync, utimesSync } from 'node:fs';

const lambdas = readdirSync('lambdas').filter((dir) => existsSync(`lambdas/${dir}/index.ts`));

rmSync('dist', { recursive: true, force: true });

const common = { bundle: true, platform: 'node', target: 'node22', format: 'esm', outdir: 'dist', outExtension: { '.js': '.mjs' }, logLevel: 'warning' };

await Promise.all([
  build({
    ...common,
    entryPoints: Object.fromEntries(lambdas.map((name) => [`lambdas/${name}/index`, `lambdas/${name}/index.ts`])),
    minify: true,
    legalComments: 'none',
    metafile: false,
    // Prefer the SDK's ES modules so unused commands are tree-shaken away.
    mainFields: ['module', 'main'],
    // Some CommonJS dependencies call require() for Node built-ins; give the ES module bundle one.
    banner: { js: "import { createRequire as __dofsCreateRequire } from 'node:module'; const require = __dofsCreateRequire(import.meta.url);" },
  }),
  build({
    ...common,
    entryPoints: { 'local/main': 'local/main.ts' },
    // The runtime's own dependencies (emulators) stay in node_modules; it is not deployed.
    packages: 'external',
    sourcemap: true,
  }),
  build({
    ...common,
    entryPoints: { 'infra/main': 'main.ts' },
    // CommonJS: the provider's deep imports are directories, which only require() resolves.
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    packages: 'external',
  }),
]);

// Zip archives record modification times: pin them, so an unchanged bundle zips to the same bytes and
// Terraform's source_code_hash changes only when the code does (reproducible builds, as SOURCE_DATE_EPOCH).
const FIXED_TIME = new Date('2000-01-01T00:00:00Z');
for (const name of lambdas) {
  for (const path of [`dist/lambdas/${name}/index.mjs`, `dist/lambdas/${name}`]) utimesSync(path, FIXED_TIME, FIXED_TIME);
}

console.log(`built ${lambdas.length} handler bundles, the local runtime and the cdktf app into dist/`);
