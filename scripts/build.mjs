// Bundles the five Lambda handlers (the artifacts that deploy) and the local runtime with esbuild.
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';

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
]);

console.log(`built ${lambdas.length} handler bundles and the local runtime into dist/`);
