/**
 * Where a run's report goes. Each engine has its own folder, `<out>/benchmarks/<engine>/`: the report
 * (README.md), its SVG plots and the raw results.json it was rendered from (so `--render` can write it
 * again). `<out>/benchmarks.md` is then rewritten from every engine folder present, so a run on one
 * engine keeps the other engine's last full run beside it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Reporter } from '../lib/local/progress';
import { renderReport } from './report';
import { engineDir, renderIndex } from './report/engines-index';
import { renderOutDir } from './cli-args';
import type { Results } from './results';

const RESULTS = 'results.json';

/**
 * The results as committed: machine-specific paths (the bench's work directory, the project's
 * checkout) replaced by placeholders. Plain string replacement: a path is data, never a pattern.
 */
export function scrubPaths(results: Results, paths: Record<string, string>): Results {
  let json = JSON.stringify(results, null, 2);
  for (const [placeholder, p] of Object.entries(paths)) if (p.length > 1) json = json.split(p).join(placeholder);
  return JSON.parse(json) as Results;
}

export function writeReport(results: Results, outDir: string, reporter: Reporter): void {
  const dir = path.join(outDir, engineDir(results));
  mkdirSync(dir, { recursive: true });
  const report = renderReport(results);
  writeFileSync(path.join(dir, 'README.md'), report.markdown);
  writeFileSync(path.join(dir, RESULTS), `${JSON.stringify(results, null, 2)}\n`);
  for (const [name, svg] of Object.entries(report.svgs)) writeFileSync(path.join(dir, name), svg);
  const index = path.join(outDir, 'benchmarks.md');
  writeFileSync(index, renderIndex(engineRuns(outDir)));
  reporter.info(`\nwrote ${path.join(dir, 'README.md')}, ${Object.keys(report.svgs).join(', ')} and ${RESULTS} beside it, and the index ${index}`);
  reporter.info(`goals: ${report.goals.map((g) => `${g.name} ${g.notMeasured ? 'not measured' : g.met ? 'met' : 'MISSED'}`).join('; ')}`);
}

/** Every engine's last run under `<outDir>/benchmarks/`, Docker first. */
function engineRuns(outDir: string) {
  const root = path.join(outDir, 'benchmarks');
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(root, d.name, RESULTS)))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const results = JSON.parse(readFileSync(path.join(root, name, RESULTS), 'utf8')) as Results;
      return { results, goals: renderReport(results).goals };
    });
}

/** `--render RESULTS.json`: the report of a run's raw results again, measuring nothing (bench/cli-args.ts `renderOutDir` picks where). */
export function renderAgain(resultsFile: string, out: string | undefined, docsDir: string, reporter: Reporter): void {
  let results: Results;
  try {
    results = JSON.parse(readFileSync(resultsFile, 'utf8')) as Results;
  } catch (e) {
    throw new Error(`--render: cannot read ${JSON.stringify(resultsFile)} as a run's results: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  writeReport(results, renderOutDir(results, out, docsDir), reporter);
}
