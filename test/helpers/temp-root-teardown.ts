/**
 * Jest globalTeardown of the unit suite: every test file removes what it put in the temp dir
 * (test/helpers/temp-dir.ts), so the run's temp root (temp-root-setup.ts) must be empty now. Lists
 * what is left, removes the root either way and fails the run if anything was there.
 */
import { readdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { TEMP_ROOT_VARIABLE } from './temp-root-setup';

// tsx's compile cache and IPC pipes, which the CDK app's synth through tsx makes: one per user,
// path.join(os.tmpdir(), `tsx-${process.geteuid()}`) in tsx's dist, meant to outlive a run, so not a
// leak. It goes with the root all the same.
const TSX_CACHE = `tsx-${process.geteuid?.() ?? userInfo().username}`;

export default function teardown(globalConfig: { testNamePattern?: string | null }): void {
  const root = process.env[TEMP_ROOT_VARIABLE];
  if (!root) return;
  const left = readdirSync(root)
    .filter((entry) => entry !== TSX_CACHE)
    .sort();
  rmSync(root, { recursive: true, force: true });
  // With -t (a test name pattern) jest still loads every file but skips the afterAll hooks of a file
  // none of whose tests matched (jest-circus runs a block's hooks only when it has an enabled test),
  // so tempDir's and aws-cdk-lib's own cleanup did not run there: not a leak of the tests. The same
  // with CDK_NO_CLEAN_TESTS, aws-cdk-lib's switch that keeps its test assemblies for debugging.
  if (globalConfig.testNamePattern || process.env.CDK_NO_CLEAN_TESTS) return;
  if (left.length)
    throw new Error(`the tests left this in the temp dir (removed now; remove it where it is made, e.g. with test/helpers/temp-dir.ts): ${left.join(', ')}`);
}
