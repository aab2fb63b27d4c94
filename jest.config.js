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
  snapshotSerializers: ['<rootDir>/test/helpers/asset-hash-serializer.ts'],
};
