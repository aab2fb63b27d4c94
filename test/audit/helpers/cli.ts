/**
 * Runs the real CLI as a child process: bin/secure-ecs.ts bundled once per test file with esbuild
 * (the same options as `npm run build:cli`) into a temporary directory, so tests never race other
 * work over dist/. Packages stay external and resolve through NODE_PATH. The bundle and the HOMEs of
 * {@link cleanEnv} go when the test file is done (test/helpers/temp-dir.ts).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { tempDir } from '../../helpers/temp-dir';

export const REPO_ROOT = path.join(__dirname, '..', '..', '..');

// Jest gives every test file its own module registry, so this is one bundle per test file however
// often the file calls buildCli.
let bundle: string | undefined;

export function buildCli(): string {
  if (bundle) return bundle;
  const outfile = path.join(tempDir('secure-ecs-cli-'), 'secure-ecs.js');
  buildSync({
    entryPoints: [path.join(REPO_ROOT, 'bin', 'secure-ecs.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  bundle = outfile;
  return outfile;
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment without the machine's AWS settings, so nothing reaches a real account. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: tempDir('home-'), NODE_PATH: path.join(REPO_ROOT, 'node_modules') };
  // No shared config or credentials files, and no instance metadata lookups.
  env.AWS_CONFIG_FILE = path.join(env.HOME!, 'none');
  env.AWS_SHARED_CREDENTIALS_FILE = path.join(env.HOME!, 'none');
  env.AWS_EC2_METADATA_DISABLED = 'true';
  // The test run's own temp root (test/helpers/temp-root-teardown.ts), so the leak check sees what the CLI leaves there too.
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  return { ...env, ...extra };
}

export function runCli(cli: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? cleanEnv(), timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The contract for bad input: exit 2, one line on stderr, no stack trace. */
export function expectUsageError(result: CliResult, message: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}
