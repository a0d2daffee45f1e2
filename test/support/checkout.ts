import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * A fresh checkout of the project (sources only, sharing the installed node_modules), for tests that
 * build: a build in the project itself would replace dist/ under the feet of tests running beside it.
 */
export function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dofs-checkout-'));
  const skip = /^(node_modules|dist|cdktf\.out|\.git|reports|\.dofs|coverage|terraform)(\/|$)|\.tfstate/;
  cpSync(ROOT, dir, { recursive: true, filter: (source) => !skip.test(relative(ROOT, source)) });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}
