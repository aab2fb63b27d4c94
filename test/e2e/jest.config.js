/**
 * End-to-end tests of `secure-ecs local`: they start the real task with podman (see
 * test/e2e/local-task.e2e.ts). Run with `npm run test:e2e` (also the last step of `npm test`).
 *
 * Without a container engine they are skipped, saying so; with SECURE_ECS_E2E=required (set by CI)
 * the absence of podman is a failure instead.
 */
const { spawnSync } = require('node:child_process');

const engine = spawnSync('podman', ['--version'], { encoding: 'utf8' });
const present = engine.status === 0;
if (!present) {
  const why = 'no container engine: `podman --version` failed';
  if (process.env.SECURE_ECS_E2E === 'required') {
    process.stderr.write(`\nFAILED: the end-to-end tests are required (SECURE_ECS_E2E=required) but ${why}. Install it: sudo apt-get install -y podman runc catatonit\n\n`);
    process.exit(1);
  }
  process.stderr.write(
    `\n*** SKIPPED the end-to-end tests (test/e2e): ${why}. ` +
      'Install podman to run them; SECURE_ECS_E2E=required turns this skip into a failure. ***\n\n',
  );
}

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: present ? ['**/*.e2e.ts'] : ['<rootDir>/test/e2e/__skipped__'],
  passWithNoTests: !present,
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  // One real task, probed in order; a cold first run builds the images (minutes).
  maxWorkers: 1,
  testTimeout: 180_000,
  verbose: true,
};
