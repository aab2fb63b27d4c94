/**
 * The report's layout on disk (bench/write-report.ts) and the index of the engines' runs
 * (bench/report/engines-index.ts): a run on one engine writes its own folder and keeps the other
 * engine's last run in the index; committed results carry no machine path.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createReporter } from '../../lib/local/progress';
import { renderReport } from '../../bench/report';
import type { Results } from '../../bench/results';
import { scrubPaths, writeReport } from '../../bench/write-report';

const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'results-full.json'), 'utf8')) as Results;
const podman: Results = { ...fixture, engine: 'podman' };
const docker: Results = { ...fixture, engine: 'docker', machine: { ...fixture.machine, docker: '20.10.24' }, startedAt: '2026-12-05T09:00:00.000Z' };
const silent = createReporter({ write: () => true, isTTY: false } as unknown as NodeJS.WriteStream);

let out: string;
beforeEach(() => {
  out = mkdtempSync(path.join(os.tmpdir(), 'bench-index-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

test('each engine gets its folder with the report, its plots and its results; the index keeps both engines', () => {
  writeReport(podman, out, silent);
  writeReport(docker, out, silent);
  for (const engine of ['docker', 'podman']) {
    const dir = path.join(out, 'benchmarks', engine);
    expect(existsSync(path.join(dir, 'README.md'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')).engine ?? 'podman').toBe(engine);
    for (const svg of Object.keys(renderReport(podman).svgs)) expect(existsSync(path.join(dir, svg))).toBe(true);
    // The report's plots are linked beside it.
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('](latency.svg)');
  }
  const index = readFileSync(path.join(out, 'benchmarks.md'), 'utf8');
  expect(index).toContain('| measurement | goal | Docker | podman |');
  expect(index).toContain('[benchmarks/docker/README.md](benchmarks/docker/README.md)');
  expect(index).toContain('`npm run bench -- --engine podman`');
  // One row per goal, each with a cell per engine.
  for (const g of renderReport(podman).goals) {
    const rows = index.split('\n').filter((l) => l.startsWith(`| ${g.name} |`));
    expect(rows).toHaveLength(1);
    expect(rows[0].split(' | ')).toHaveLength(4);
  }
});

test("a rerun on one engine replaces only that engine's run", () => {
  writeReport(podman, out, silent);
  writeReport(docker, out, silent);
  writeReport({ ...docker, startedAt: '2030-01-02T03:04:05.000Z' }, out, silent);
  const index = readFileSync(path.join(out, 'benchmarks.md'), 'utf8');
  expect(index).toContain('2030-01-02 03:04 UTC');
  expect(index).toContain(`${podman.startedAt.slice(0, 16).replace('T', ' ')} UTC`);
});

test('committed results carry placeholders instead of the work directory and the checkout', () => {
  const work = '/tmp/secure-ecs-bench-AbC.[x]+';
  const r: Results = { ...podman, synth: { ...podman.synth, command: `npx cdk synth -o ${work}/cdk.out --app /home/me/repo/bin` } };
  const scrubbed = scrubPaths(r, { '<work>': work, '<project>': '/home/me/repo' });
  expect(scrubbed.synth.command).toBe('npx cdk synth -o <work>/cdk.out --app <project>/bin');
  expect(JSON.stringify(scrubbed)).not.toContain('/home/me');
});
