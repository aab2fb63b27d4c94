/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Jest's default is cores - 1 (one worker on a 2-core CI machine); many suites wait on child
  // processes (nginx -t, php -l, the CLI), so one worker per core measured 0.65x the wall time.
  maxWorkers: '100%',
  // Suites that start the CLI as a process wait for Node to load the bundle and its SDKs: about 2 s
  // each on an idle 2-core machine, and past jest's 5 s default when the machine is busy.
  testTimeout: 30_000,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest'],
  },
  // Unit tests skip the built-in CloudFormation validation (about 2 s per synth);
  // the CI synth (`npm start`/`.ci/run`) keeps it on with errors as failures.
  setupFiles: ['<rootDir>/test/helpers/setup-env.ts'],
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
  // The run's own temp root, and a run that fails when a test leaves something in it. Not in the e2e
  // and examples configs: the engines they start read TMPDIR too. Rootless podman without a usable
  // XDG_RUNTIME_DIR or /run/user/<uid> keeps its runtime directory (the pause process's and the pods'
  // state) in os.TempDir()/podman-run-<uid> (podman's pkg/util GetRootlessRuntimeDir; Go's
  // os.TempDir reads TMPDIR), so a TMPDIR of the run's own would split podman's state from the user's.
  globalSetup: '<rootDir>/test/helpers/temp-root-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/temp-root-teardown.ts',
  snapshotSerializers: ['<rootDir>/test/helpers/asset-hash-serializer.ts'],
};
