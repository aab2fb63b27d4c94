/**
 * The project's CLI as users run it, for the developer-loop and start-up measurements: the esbuild
 * bundle of bin/secure-ecs.ts, a project directory that runs an assembly the bench synthesized, and a
 * timed run of the CLI with a deadline.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runLines } from '../lib/local/run-lines';

/** The project's checkout (the bench runs from it). */
export const ROOT = path.resolve(__dirname, '..');

/**
 * A project directory for `secure-ecs local up` whose cdk.json writes the assembly to `assembly` (an
 * assembly the bench synthesized) instead of the shared cdk.out: links to everything else.
 */
export function benchProject(dir: string, assembly: string): string {
  mkdirSync(dir, { recursive: true });
  const cdkJson = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'));
  writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ ...cdkJson, output: assembly }, null, 2));
  // The runner re-synthesizes when an input is newer than the assembly: this copy is not a change.
  const { atime, mtime } = statSync(path.join(ROOT, 'cdk.json'));
  utimesSync(path.join(dir, 'cdk.json'), atime, mtime);
  for (const entry of [
    'bin',
    'lib',
    'containers',
    'node_modules',
    'package.json',
    'package-lock.json',
    'cdk.context.json',
    'tsconfig.json',
    'audit-acknowledgements.json',
  ]) {
    if (existsSync(path.join(ROOT, entry)) && !existsSync(path.join(dir, entry))) symlinkSync(path.join(ROOT, entry), path.join(dir, entry));
  }
  return dir;
}

/** The CLI as users run it: the esbuild bundle of bin/secure-ecs.ts (as npm's prepare builds it), built privately. */
export async function buildCliBundle(file: string): Promise<void> {
  const r = await runLines(
    path.join(ROOT, 'node_modules', '.bin', 'esbuild'),
    ['bin/secure-ecs.ts', '--bundle', '--platform=node', '--target=node20', '--packages=external', `--outfile=${file}`, '--log-level=warning'],
    { cwd: ROOT },
  );
  if (r.code !== 0) throw new Error(`esbuild failed:\n${r.tail.join('\n')}`);
}

/** Run the CLI bundle; resolves with exit code, wall time and output. */
export function cli(
  bundle: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  onLine?: (l: string) => void,
): Promise<{ code: number; ms: number; output: string }> {
  const began = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle, ...args], { cwd: ROOT, env: { ...process.env, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const feed = (d: Buffer) => {
      output += d;
      for (const l of d.toString().split('\n')) if (l.trim()) onLine?.(l);
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, ms: Date.now() - began, output });
    });
  });
}
