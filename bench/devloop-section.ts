/**
 * Section 4, the developer loop (full run only): synth with the project's command against ts-node and
 * the precompiled floor (alternating hyperfine rounds), the unit tests, and `local up` cold and cached
 * on podman (bench/devloop.ts).
 */
import * as path from 'node:path';
import { ROOT } from './cli';
import type { BenchContext } from './context';
import { TS_NODE_APP, buildJsApp, hyperfineAlternating, localUpColdAndCached, projectAppCommand, synthCommand, unitTests } from './devloop';
import type { Results } from './results';

export async function devloop(ctx: BenchContext, results: Results, assemblyDir: string, synth: Results['synth']): Promise<void> {
  if (ctx.quick) {
    results.devloop.synthOnceMs = synth.ms;
    return;
  }
  const { reporter, work } = ctx;
  const app = projectAppCommand();
  const jsApp = await reporter.step('compile the app to JavaScript (esbuild, file by file) for the floor', () =>
    buildJsApp(path.join(ROOT, 'node_modules', '.cache', 'secure-ecs-bench', 'js')),
  );
  const commands = [
    { name: `tsx (cdk.json: ${app})`, command: synthCommand(path.join(work, 'synth-tsx')), outdir: path.join(work, 'synth-tsx') },
    { name: 'ts-node --prefer-ts-exts', command: synthCommand(path.join(work, 'synth-ts-node'), TS_NODE_APP), outdir: path.join(work, 'synth-ts-node') },
    {
      name: 'precompiled JavaScript (floor)',
      command: synthCommand(path.join(work, 'synth-js'), `node ${path.relative(ROOT, jsApp)}`),
      outdir: path.join(work, 'synth-js'),
    },
  ];
  results.devloop.synth = await hyperfineAlternating(commands, ctx.config.synthRounds, work, reporter);
  results.devloop.unit = await unitTests(reporter, path.join(work, 'jest.log'));
  results.devloop.up = await localUpColdAndCached({ work, assemblyDir, cachedRuns: ctx.config.upCachedRuns, reporter });
}
