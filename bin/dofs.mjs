#!/usr/bin/env node
// `npx dofs`: runs the built command line (dist/cli/main.mjs), building it first on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = new URL('../dist/cli/main.mjs', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('dofs: building the command line first (npm run build)…\n');
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--no-zip'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) {
    process.stderr.write('dofs: the build failed; run `npm run build` in the project directory to see why.\n');
    process.exit(2);
  }
}
await import(entry.href);
