/**
 * End-to-end tests of `secure-ecs local`: they start the real task on Docker or podman (see
 * test/e2e/local-task.e2e.ts), chosen as `secure-ecs local up` chooses (SECURE_ECS_ENGINE picks one).
 * Run with `npm run test:e2e` (also the last step of `npm test`).
 *
 * Without a container engine they are skipped, saying so; with SECURE_ECS_E2E=required (set by CI)
 * the absence of an engine is a failure instead. An engine that is present but does not work fails
 * the suite itself, with the runner's message.
 */
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const os = require('node:os');

const wanted = process.env.SECURE_ECS_ENGINE;
// Presence only (the suite reports why an engine does not work): a Docker endpoint or a podman binary.
const docker = Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock') || existsSync(`${os.homedir()}/.docker/run/docker.sock`);
const podman = spawnSync('podman', ['--version'], { encoding: 'utf8' }).status === 0;
const present = wanted === 'docker' ? docker : wanted === 'podman' ? podman : docker || podman;
if (!present) {
  const why = wanted ? `SECURE_ECS_ENGINE=${wanted}, and ${wanted} is not installed` : 'no container engine: no Docker socket and `podman --version` failed';
  if (process.env.SECURE_ECS_E2E === 'required') {
    process.stderr.write(
      `\nFAILED: the end-to-end tests are required (SECURE_ECS_E2E=required) but ${why}. Install Docker or podman (the README's "Run the task locally" says how).\n\n`,
    );
    process.exit(1);
  }
  process.stderr.write(
    `\n*** SKIPPED the end-to-end tests (test/e2e): ${why}. ` +
      'Install Docker or podman to run them; SECURE_ECS_E2E=required turns this skip into a failure. ***\n\n',
  );
}

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: present ? ['**/*.e2e.ts'] : ['<rootDir>/test/e2e/__skipped__'],
  passWithNoTests: !present,
  // Removes the tasks of an earlier run that was killed before its afterAll (test/e2e/leftover-tasks.ts).
  ...(present ? { globalSetup: '<rootDir>/test/e2e/global-setup.ts' } : {}),
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  // One real task, probed in order; a cold first run builds the images (minutes).
  maxWorkers: 1,
  // Stretched on slow hosts such as the VM suite's emulated guest (test/e2e/time-allowance.ts validates the factor).
  testTimeout: 180_000 * (Number(process.env.SECURE_ECS_E2E_TIME_FACTOR) || 1),
  verbose: true,
};
