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

export default function teardown(): void {
  const root = process.env[TEMP_ROOT_VARIABLE];
  if (!root) return;
  const left = readdirSync(root)
    .filter((entry) => entry !== TSX_CACHE)
    .sort();
  rmSync(root, { recursive: true, force: true });
  if (left.length)
    throw new Error(`the tests left this in the temp dir (removed now; remove it where it is made, e.g. with test/helpers/temp-dir.ts): ${left.join(', ')}`);
}
