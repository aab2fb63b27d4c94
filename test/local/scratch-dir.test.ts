/**
 * lib/local/host/scratch-dir.ts: the directory goes however the call ends, including a Ctrl-C in a
 * real process (a child built from the module with esbuild, as the CLI is bundled).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { withScratchDir } from '../../lib/local/host/scratch-dir';
import { REPO_ROOT } from '../audit/helpers/cli';
import { tempDir } from '../helpers/temp-dir';

test('removed when the call throws, and the error passes through', async () => {
  const parent = tempDir('scratch-parent-');
  const listeners = () => ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP'].map((e) => process.listenerCount(e));
  const before = listeners();
  let seen = '';
  await expect(
    withScratchDir(parent, 'x-', async (dir) => {
      seen = dir;
      throw new Error('boom');
    }),
  ).rejects.toThrow('boom');
  expect(seen.startsWith(path.join(parent, 'x-'))).toBe(true);
  expect(readdirSync(parent)).toEqual([]);
  // Its exit and signal listeners go with the last directory.
  expect(listeners()).toEqual(before);
});

/**
 * A process holding a scratch directory until a signal; `own` adds a handler registered before it that
 * exits 130 after a tick, as `local up`'s forced stop does (`on`) or as `sbom` registers its own (`once`).
 */
function holder(own: 'none' | 'on' | 'once'): string {
  const outfile = path.join(tempDir('scratch-holder-'), 'holder.js');
  const handler = own === 'none' ? '' : `process.${own}('SIGINT', () => setTimeout(() => process.exit(130), 50));`;
  buildSync({
    stdin: {
      contents: `import { withScratchDir } from './lib/local/host/scratch-dir';
${handler}
void withScratchDir(process.argv[2], 'x-', (dir) => { process.stdout.write(dir + '\\n'); return new Promise(() => setInterval(() => {}, 1000)); });`,
      resolveDir: REPO_ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

test.each([
  ['no other handler: the process ends by SIGINT, as without the module', 'none', { code: null, signal: 'SIGINT' }],
  ["the command's own handler exits: its status stands", 'on', { code: 130, signal: null }],
  ["the command's own process.once handler exits: its status stands", 'once', { code: 130, signal: null }],
] as const)('Ctrl-C while the directory is in use, %s; the directory is gone', async (_, own, ending) => {
  const parent = tempDir('scratch-parent-');
  const child = spawn(process.execPath, [holder(own), parent], { stdio: ['ignore', 'pipe', 'inherit'] });
  // The directory the child printed, or its exit if it ended first (a crash fails here, not at the timeout).
  const dir = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code, signal) => reject(new Error(`the holder ended before printing its directory: ${code ?? signal}`)));
  });
  expect(existsSync(dir)).toBe(true);
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.kill('SIGINT');
  expect(await ended).toEqual(ending);
  expect(readdirSync(parent)).toEqual([]);
});
