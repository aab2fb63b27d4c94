/**
 * `npm run test:examples`: every example app (examples/<name>/) end to end on the chosen engine
 * (SECURE_ECS_ENGINE), each in its own task started with `secure-ecs local up --assembly`. An example
 * adds its folder and one `<name>.example.ts` here (test/examples/example-task.ts does the rest).
 *
 * The engine presence check, its skip message and SECURE_ECS_E2E=required are the e2e suite's.
 */
const e2e = require('../e2e/jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...e2e,
  roots: ['<rootDir>/test/examples'],
  testMatch: e2e.passWithNoTests ? ['<rootDir>/test/examples/__skipped__'] : ['**/*.example.ts'],
};
