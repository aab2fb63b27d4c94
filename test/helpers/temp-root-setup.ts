/**
 * Jest globalSetup of the unit suite: the run gets a temp root of its own, and the leak check
 * (temp-root-teardown.ts) fails the run on anything left in it.
 *
 * Why a root of our own rather than a before/after listing of the machine's temp dir: other runs
 * (another checkout's jest, an e2e run, the bench) create and remove entries there at the same time,
 * and would make such a check fail, or hide a leak. Setting TMPDIR here reaches everything that asks
 * for the temp dir: os.tmpdir() reads TMPDIR on every call, jest starts its workers after globalSetup
 * with this process's environment, and the CLIs the tests start inherit it (or get it passed on,
 * test/audit/helpers/cli.ts's cleanEnv). Jest's own cache directory was chosen when the
 * configuration was read, before this runs, so it stays where it was.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const TEMP_ROOT_VARIABLE = 'SECURE_ECS_TEST_TEMP_ROOT';

export default function setup(): void {
  const root = mkdtempSync(path.join(tmpdir(), 'secure-ecs-unit-'));
  process.env[TEMP_ROOT_VARIABLE] = root;
  process.env.TMPDIR = root;
}
