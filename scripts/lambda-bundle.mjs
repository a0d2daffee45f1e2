// esbuild options for a Lambda handler bundle: shared by the build and by the benchmark's floor bundles,
// so the two are built exactly alike.
export const lambdaBundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
  minify: true,
  legalComments: 'none',
  // Prefer the SDK's ES modules so unused commands are tree-shaken away.
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies call require() for Node built-ins; give the ES module bundle one.
  banner: { js: "import { createRequire as __dofsCreateRequire } from 'node:module'; const require = __dofsCreateRequire(import.meta.url);" },
};
