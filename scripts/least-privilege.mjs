// npm run test:least-privilege: every grant is needed.
//
// For each action each function's role and the state machine's role are granted (topology/access.ts),
// run the end-to-end scenarios with that one action taken away (DOFS_REVOKE) and require them to fail
// because of it: a run that still passes, or fails without denying that action, means the grant is not
// shown to be needed. The other direction (every call is granted) holds in every run of the suites:
// any denial a test did not ask for fails it (test/support/runtime-process.ts).
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';

/** The declarations, compiled on the fly (they are TypeScript, and this script runs before any build). */
async function declarations() {
  const { outputFiles } = await build({ entryPoints: ['topology/access.ts'], bundle: true, format: 'esm', platform: 'node', write: false });
  return import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`);
}

// The scenarios that make every granted call between them: the seed's five (every function on the happy,
// duplicate and DLQ paths), a whole order path with nothing denied, and the pending sweeper re-sending an
// order and failing one SQS refuses for good.
const SCENARIOS = ['test/e2e/seed-scenarios.test.ts', 'test/e2e/least-privilege.test.ts', 'test/e2e/runtime.test.ts'];
const TESTS = "The seed's scenarios|is denied nothing|re-sends orders left PENDING|refuses for good";
const { FUNCTION_ACCESS, STATE_MACHINE_ACCESS } = await declarations();
const grants = [
  ...Object.entries(FUNCTION_ACCESS).flatMap(([role, { access }]) => access.flatMap((entry) => entry.actions.map((action) => ({ role, action })))),
  ...STATE_MACHINE_ACCESS.flatMap((entry) => entry.actions.map((action) => ({ role: 'order-workflow', action }))),
].filter((grant, index, all) => all.findIndex((g) => g.role === grant.role && g.action === grant.action) === index);

const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const started = Date.now();
const results = [];
for (const [index, { role, action }] of grants.entries()) {
  const began = Date.now();
  const run = spawnSync(process.execPath, ['node_modules/jest/bin/jest.js', '--verbose', '--selectProjects', 'e2e', '--testNamePattern', TESTS, '--runTestsByPath', ...SCENARIOS], {
    env: { ...process.env, DOFS_REVOKE: `${role}:${action}` },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const output = `${run.stdout}${run.stderr}`;
  const denied = output.includes(`"role":"dofs-local-${role}","action":"${action}"`);
  // A test that failed, or a runtime's stop() finding denials the test did not expect.
  const failedTests = [...output.matchAll(/^\s+✕ (.+?)(?: \(\d+ ms\))?$/gm)].map((match) => match[1]);
  if (/the runtime denied \d+ call/.test(output)) failedTests.push('a runtime stopped with denials');
  const caught = run.status !== 0 && denied;
  results.push({ role, action, caught, failedTests, seconds: (Date.now() - began) / 1000 });
  process.stdout.write(`least-privilege ${index + 1}/${grants.length}: without ${role} ${action}: ${caught ? `caught by ${failedTests.length} test(s), e.g. "${failedTests[0] ?? 'a suite hook'}"` : run.status === 0 ? 'NOTHING FAILED' : 'failed, but not by denying it'} (${((Date.now() - began) / 1000).toFixed(1)} s)\n`);
}

const missed = results.filter((result) => !result.caught);
process.stdout.write(
  `least-privilege: ${grants.length} grants checked, ${grants.length - missed.length} shown needed, ${missed.length} not, in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
);
if (missed.length > 0) {
  process.stderr.write(`Grants no scenario needs (remove them, or add the scenario that does): ${missed.map((m) => `${m.role} ${m.action}`).join(', ')}\n`);
  process.exit(1);
}
