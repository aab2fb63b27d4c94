/**
 * The developer loop: `cdk synth` with the project's own app command (cdk.json: `node --import tsx bin/app.ts`)
 * against the classic `ts-node --prefer-ts-exts bin/app.ts`, alternated under hyperfine; the same app
 * precompiled to JavaScript as the floor no TypeScript loader can beat; the unit-test suite; and
 * `secure-ecs local up` cold (a separate podman storage, so no image exists) and cached.
 *
 * Every synth writes to its own output directory (`-o`), never to the project's cdk.out, which other
 * work on this checkout uses.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Reporter } from '../lib/local/progress';
import { runLines } from '../lib/local/run-lines';
import { benchProject, buildCliBundle, cli, ROOT } from './cli';
import type { HyperfineRun, UpRun } from './results';
import { shellQuote } from '../lib/local/host/shell-quote';

/** Offline switches for every CDK CLI call, as `npm run synth` uses them: no telemetry, no notices. */
const CDK_ENV = { CDK_DISABLE_CLI_TELEMETRY: 'true' };

/** The project's own synth command (cdk.json's app, through the CLI), into `outdir`; with `configFile`, that settings file (`-c configFile=`). */
export function synthCommand(outdir: string, app?: string, configFile?: string): string {
  return `npx cdk synth -q --no-notices -o ${outdir}${app ? ` --app "${app}"` : ''}${configFile ? ` -c ${shellQuote(`configFile=${configFile}`)}` : ''}`;
}

export function projectAppCommand(): string {
  return String(JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).app);
}

export const TS_NODE_APP = 'npx ts-node --prefer-ts-exts bin/app.ts';

/** Run a shell command in the project; resolves with the exit code, wall time and the last lines. */
async function timed(
  command: string,
  opts: { env?: NodeJS.ProcessEnv; onLine?: (l: string) => void; cwd?: string } = {},
): Promise<{ code: number; ms: number; tail: string[] }> {
  const began = Date.now();
  const r = await runLines('sh', ['-c', command], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...CDK_ENV, ...opts.env }, onLine: opts.onLine, tail: 40 });
  return { code: r.code, ms: Date.now() - began, tail: r.tail };
}

/** Synthesize the app once with the project's command into `outdir` (the assembly every pod is built from). */
export async function synthAssembly(outdir: string, reporter: Reporter, configFile?: string): Promise<{ ms: number; command: string }> {
  const command = synthCommand(outdir, undefined, configFile);
  const r = await reporter.step(`synthesize into ${outdir}`, (s) => timed(command, { onLine: (l) => s.update(l) }));
  if (r.code !== 0) throw new Error(`${command} exited with ${r.code}:\n${r.tail.join('\n')}`);
  return { ms: r.ms, command };
}

/**
 * The app compiled to CommonJS file by file with esbuild (no bundling, so every `__dirname` keeps its
 * depth), next to links to the files the app reads. Inside node_modules so packages resolve.
 */
export async function buildJsApp(dir: string): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sources: string[] = [];
  const visit = (rel: string) => {
    for (const entry of readdirSync(path.join(ROOT, rel))) {
      const p = path.join(rel, entry);
      if (statSync(path.join(ROOT, p)).isDirectory()) visit(p);
      else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) sources.push(p);
      else {
        mkdirSync(path.join(dir, rel), { recursive: true });
        copyFileSync(path.join(ROOT, p), path.join(dir, p));
      }
    }
  };
  visit('bin');
  visit('lib');
  for (const top of ['containers', 'audit-acknowledgements.json']) if (existsSync(path.join(ROOT, top))) symlinkSync(path.join(ROOT, top), path.join(dir, top));
  const r = await runLines(
    path.join(ROOT, 'node_modules', '.bin', 'esbuild'),
    [...sources, '--format=cjs', '--platform=node', '--target=node20', `--outdir=${dir}`, '--outbase=.', '--log-level=warning'],
    { cwd: ROOT },
  );
  if (r.code !== 0) throw new Error(`esbuild failed:\n${r.tail.join('\n')}`);
  return path.join(dir, 'bin', 'app.js');
}

/**
 * Alternating hyperfine runs: each round runs every command once (`--runs 1`), the order reversed
 * every other round, so drift on a noisy machine hits all commands alike. `prepare` empties each
 * command's output directory before its run.
 */
export async function hyperfineAlternating(
  commands: { name: string; command: string; outdir: string }[],
  rounds: number,
  workDir: string,
  reporter: Reporter,
): Promise<{ runs: HyperfineRun[]; invocations: string[] }> {
  const times = new Map(commands.map((c) => [c.name, [] as number[]]));
  const invocations: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? commands : [...commands].reverse();
    const json = path.join(workDir, `hyperfine-${round}.json`);
    const args = ['--runs', '1', '--style', 'basic', '--export-json', json];
    for (const c of order) args.push('--prepare', `rm -rf ${c.outdir}`);
    for (const c of order) args.push('--command-name', c.name, c.command);
    invocations.push(`hyperfine ${args.map((a) => (/[\s"]/.test(a) ? `'${a}'` : a)).join(' ')}`);
    const r = await reporter.step(`hyperfine round ${round + 1}/${rounds}: ${order.map((c) => c.name).join(', ')}`, (s) =>
      runLines('hyperfine', args, { cwd: ROOT, env: { ...process.env, ...CDK_ENV }, onLine: (l) => s.update(l), tail: 40 }),
    );
    if (r.code !== 0) throw new Error(`hyperfine exited with ${r.code}:\n${r.tail.join('\n')}`);
    const results = JSON.parse(readFileSync(json, 'utf8')).results as { command: string; times: number[] }[];
    for (const res of results) times.get(res.command)!.push(...res.times);
  }
  return { runs: commands.map((c) => ({ name: c.name, command: c.command, timesS: times.get(c.name)! })), invocations };
}

/** `npx jest` (the unit tests, as `npm test` runs them after the type check). */
export async function unitTests(reporter: Reporter, logFile: string): Promise<{ ms: number; code: number; summary: string }> {
  const lines: string[] = [];
  const r = await reporter.step('unit tests: npx jest', (s) =>
    timed('npx jest', {
      onLine: (l) => {
        lines.push(l);
        if (/^(PASS|FAIL)\s/.test(l)) s.update(l);
      },
      env: { CI: '1' },
    }),
  );
  writeFileSync(logFile, lines.join('\n'));
  const summary = lines.filter((l) => /^(Test Suites|Tests):/.test(l)).join('; ');
  return { ms: r.ms, code: r.code, summary };
}

/** A containers storage of its own (graph root and run root under `dir`): no image of the shared store is visible or touched. */
function privateStorage(dir: string): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, 'storage.conf');
  writeFileSync(conf, `[storage]\ndriver = "overlay"\ngraphroot = "${path.join(dir, 'graph')}"\nrunroot = "${path.join(dir, 'run')}"\n`);
  return { CONTAINERS_STORAGE_CONF: conf, XDG_CACHE_HOME: path.join(dir, 'cache') };
}

/**
 * `secure-ecs local up --detach --engine podman` timed from the command to a healthy task: once cold
 * (a private, empty podman storage: base image, both images and the pause image are built) and
 * `cachedRuns` times cached (the same storage again), each followed by `local down`. The private
 * storage is removed at the end; the shared image cache is never touched. Podman only: Docker has one
 * image store per daemon, which a cold start would have to empty.
 */
export async function localUpColdAndCached(o: { work: string; assemblyDir: string; cachedRuns: number; reporter: Reporter }): Promise<UpRun[]> {
  const bundle = path.join(ROOT, 'node_modules', '.cache', 'secure-ecs-bench', 'secure-ecs.js');
  await buildCliBundle(bundle);
  const project = benchProject(path.join(o.work, 'project'), o.assemblyDir);
  const storage = path.join(o.work, 'storage');
  const env = privateStorage(storage);
  const podman = (args: string[]) => runLines('podman', args, { env: { ...process.env, ...env }, tail: 5, timeoutMs: 5 * 60_000 });
  // Everything below removes what this storage holds: make sure podman really uses the private one.
  const graphRoot = (await podman(['info', '--format', '{{.Store.GraphRoot}}'])).tail.join('').trim();
  if (graphRoot !== path.join(storage, 'graph'))
    throw new Error(`podman ignored CONTAINERS_STORAGE_CONF (graph root ${graphRoot}); not running the cold start`);
  const runs: UpRun[] = [];
  const name = `bench-up-${process.pid}`;
  const upOnce = async (kind: UpRun['kind'], n: number) => {
    const port = 18000 + Math.floor(Math.random() * 1000);
    const args = ['local', 'up', '--detach', '--engine', 'podman', '--port', String(port), '--name', name, '--project', project];
    const r = await o.reporter.step(`secure-ecs local up (${kind}${kind === 'cached' ? ` ${n}` : ''})`, (s) =>
      cli(bundle, args, env, 30 * 60_000, (l) => s.update(l)),
    );
    const down = await cli(bundle, ['local', 'down', '--name', name, '--project', project], env, 5 * 60_000);
    runs.push({
      kind,
      ms: r.ms,
      code: r.code,
      synthesized: /synthesize the CDK app/.test(r.output),
      built: /podman build/.test(r.output),
      command: `secure-ecs ${args.join(' ').replace(project, '<bench project>')}`,
    });
    if (r.code !== 0) o.reporter.warn(`local up (${kind}) exited with ${r.code}:\n${r.output.split('\n').slice(-20).join('\n')}`);
    if (down.code !== 0) o.reporter.warn(`local down exited with ${down.code}:\n${down.output.split('\n').slice(-10).join('\n')}`);
  };
  try {
    await upOnce('cold', 1);
    for (let i = 1; i <= o.cachedRuns; i++) await upOnce('cached', i);
  } finally {
    // Only the private storage (checked above): its pod if `down` failed, then every image in it.
    await podman(['pod', 'rm', '--force', name]);
    await podman(['rmi', '--all', '--force']);
    rmSync(storage, { recursive: true, force: true });
  }
  return runs;
}
