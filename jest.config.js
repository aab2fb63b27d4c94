/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Jest's default is cores - 1 (one worker on a 2-core CI machine); many suites wait on child
  // processes (nginx -t, php -l, the CLI), so one worker per core measured 0.65x the wall time.
  maxWorkers: '100%',
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
