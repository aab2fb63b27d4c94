/**
 * A variant that is another setting of the project, not a change of the translated task: the app
 * synthesized again with settings laid over the project's (`cdk synth -c configFile=<file>`, the way
 * a team sets them), into its own assembly in the run's work folder, and prepared like the template
 * (lib/local/prepare.ts: its images are the template's build, cached). What the setting does to the
 * task is then exactly what `cdk deploy` would get, nothing the bench re-declares.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfigLayers, mergeSettings } from '../lib/config/load-config';
import type { Reporter } from '../lib/local/progress';
import { ROOT } from './cli';
import { synthAssembly } from './devloop';
import { prepareTask, type BenchTask } from './tasks';

/**
 * The settings file for `values` over the project's: cdk.json's `secure-ecs` context stays (the
 * file overlays it), and a `configFile` cdk.json already names is read and overlaid, since `-c`
 * replaces it.
 */
export function settingsOverProject(values: Record<string, unknown>, cdkJson: string): Record<string, unknown> {
  const named = (JSON.parse(cdkJson) as { context?: { configFile?: unknown } }).context?.configFile;
  if (typeof named !== 'string') return mergeSettings({}, values);
  // The project's own reader (lib/config/load-config.ts): the same checks as a synth, and an error that names the place, never the text.
  try {
    const { file } = loadConfigLayers((key) => (key === 'configFile' ? path.resolve(ROOT, named) : undefined));
    return mergeSettings(file, values);
  } catch (e) {
    throw new Error(`the settings file cdk.json names (configFile ${JSON.stringify(named)}): ${(e as Error).message}`, { cause: e });
  }
}

/** Synthesize and prepare the app with `values` over the project's settings (the `n`th such assembly of the run). */
export async function prepareWithSettings(o: {
  work: string;
  n: number;
  values: Record<string, unknown>;
  engine: string;
  reporter: Reporter;
}): Promise<BenchTask> {
  const dir = path.join(o.work, `cdk.out-settings-${o.n}`);
  const file = `${dir}.json`;
  writeFileSync(file, `${JSON.stringify(settingsOverProject(o.values, readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')), null, 2)}\n`, { mode: 0o600 });
  await synthAssembly(dir, o.reporter, file);
  return prepareTask({ assemblyDir: dir, engine: o.engine, reporter: o.reporter, taskName: `bench-${process.pid}-settings-${o.n}` });
}
