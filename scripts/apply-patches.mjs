/**
 * `postinstall`: applies patches/ (docs/emulators.md says why each exists). The patched packages are
 * development dependencies; an install without them (`npm ci --omit=dev`) has nothing to patch, and
 * neither patch-package, so it says so and succeeds. Otherwise a patch that no longer applies fails the
 * install (--error-on-fail), so a dependency bump never runs unpatched.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const patched = readdirSync('patches').map((file) => file.replace(/\+[^+]*\.patch$/, '').replaceAll('+', '/'));
const installed = patched.filter((name) => existsSync(`node_modules/${name}/package.json`));
if (installed.length === 0) {
  process.stdout.write(`apply-patches: none of ${patched.join(', ')} is installed; nothing to patch\n`);
  process.exit(0);
}
const result = spawnSync(process.execPath, ['node_modules/patch-package/index.js', '--error-on-fail'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
