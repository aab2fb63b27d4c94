/**
 * Temporary directories for tests, removed when their test file is done.
 *
 * Jest loads this module once per test file (each file has its own module registry), so the
 * afterAll below is a hook of that file: whatever the file made with {@link tempDir} (at the top
 * level, in a hook or in a test) goes when its last test has run, passed or failed. jest.config.js's
 * leak check (test/helpers/temp-root-teardown.ts; not with -t, which skips the hooks of files it selects no test of) fails the run on anything a file leaves behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const made: string[] = [];

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new directory `<os temp dir>/<prefix>XXXXXX`, removed after the test file's last test. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
