/**
 * Synthesize the app when cdk.out is missing or older than its inputs, with the project's own CDK CLI
 * and app command (cdk.json "app"), so the local task is exactly what `cdk deploy` would deploy.
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LocalStepError } from './errors';
import type { Reporter } from './progress';
import { runLines } from './run-lines';

/** Files and folders whose change changes the synthesized assembly. */
const SYNTH_INPUTS = ['bin', 'lib', 'containers', 'cdk.json', 'cdk.context.json', 'package-lock.json'];

/** The assembly directory: cdk.json's "output", else cdk.out. */
export function assemblyDir(projectDir: string): string {
  try {
    const output = JSON.parse(readFileSync(path.join(projectDir, 'cdk.json'), 'utf8')).output;
    if (typeof output === 'string' && output) return path.resolve(projectDir, output);
  } catch {
    // a missing or broken cdk.json fails the synth itself, with the CLI's message
  }
  return path.join(projectDir, 'cdk.out');
}

/** The newest file under the inputs (path and mtime), skipping node_modules. */
function newestInput(projectDir: string, inputs = SYNTH_INPUTS): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  const visit = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const entry of readdirSync(p)) if (entry !== 'node_modules') visit(path.join(p, entry));
    } else if (!newest || st.mtimeMs > newest.mtimeMs) {
      newest = { file: path.relative(projectDir, p), mtimeMs: st.mtimeMs };
    }
  };
  for (const input of inputs) visit(path.join(projectDir, input));
  return newest;
}

/** Why the assembly must be synthesized again, or undefined when it is current. */
export function staleReason(projectDir: string, outdir = assemblyDir(projectDir)): string | undefined {
  const manifest = path.join(outdir, 'manifest.json');
  if (!existsSync(manifest)) return `${path.relative(projectDir, outdir) || outdir} has no assembly`;
  const built = statSync(manifest).mtimeMs;
  const newest = newestInput(projectDir);
  if (newest && newest.mtimeMs > built) return `${newest.file} changed after the last synth`;
  return undefined;
}

/** Run `cdk synth --quiet` in the project, showing progress; throws with the CLI's output on failure. */
export async function synthesize(projectDir: string, reporter: Reporter, reason: string): Promise<void> {
  await reporter.step(`synthesize the CDK app (${reason})`, async (s) => {
    const cdk = path.join(projectDir, 'node_modules', '.bin', 'cdk');
    if (!existsSync(cdk)) throw new LocalStepError('synthesize', `the CDK CLI is not installed in ${projectDir}: run \`npm ci\` first`);
    const args = ['synth', '--quiet', '--no-notices'];
    s.update(`cdk ${args.join(' ')}`);
    const { code, tail } = await runLines(cdk, args, {
      cwd: projectDir,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      onLine: (l) => s.update(l),
    });
    if (code !== 0) {
      // The CLI writes the assembly before validation fails: make sure the next run synthesizes again
      // instead of running a task definition that failed its checks.
      rmSync(path.join(assemblyDir(projectDir), 'manifest.json'), { force: true });
      throw new LocalStepError('synthesize', `cdk synth exited with ${code}`, tail);
    }
  });
}
