// The Jest configuration Stryker runs for each mutant (stryker.config.mjs): the `unit` project of
// jest.config.js as a single project, so the transform and setup files stay the ones `npm test` uses.
//
// Only the unit tests. The integration project starts dynalite and fauxqs in a globalSetup, which Stryker
// would repeat for every mutant run, and several of its tests wait on SQS visibility timeouts and polling,
// so a mutant's result would depend on timing (a slow run reads as "timeout", a lucky one as "survived").
// The unit tests are in-process and deterministic (where one needs DynamoDB's semantics it starts dynalite
// in its own process: test/support/in-process-dynamodb.ts), and the whole unit project runs in a few seconds.
const { projects } = require('./jest.config.js');

const unit = projects.find((project) => project.displayName === 'unit');
if (!unit) throw new Error('jest.config.js has no "unit" project');

/** @type {import('jest').Config} */
module.exports = {
  ...unit,
  rootDir: __dirname,
  // Stryker disables reporters anyway; without jest-junit here a manual run cannot overwrite reports/junit.xml.
  reporters: ['default'],
  testTimeout: 60_000,
};
