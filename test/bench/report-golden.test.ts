/**
 * The report renderer, byte for byte: committed results fixtures rendered into committed goldens.
 * `results.json` is a real `npm run bench -- --quick` run (paths scrubbed); `results-full.json` is
 * the same run with a full run's developer loop added by hand (hyperfine, jest, cold and cached
 * `local up`) and the floors at the task's rate (`latency.floors.*.atTaskRate`, measured since
 * 2026-12-07) by hand, so every section renders. A change of wording updates the goldens deliberately:
 * `UPDATE_GOLDEN=1 npx jest test/bench/report-golden.test.ts`.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderReport } from '../../bench/report';
import type { Results } from '../../bench/results';

const FIXTURES = path.join(__dirname, 'fixtures');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const load = (name: string): Results => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Results;
/** A run whose open-loop section produced nothing (the report then leaves section 6 and its goals out). */
const withoutLatency = (r: Results): Results => ({ ...r, latency: { ...r.latency, runs: [], probes: [], idle: [] } });

/**
 * The quick run relabelled as a run of the bench on the engine interface on Docker, with today's
 * template default (task CPU 1024) and variant set (bench/sections/latency.ts: lat-cpu-256 and -512,
 * lat-30s, lat-noprobe without health checks, lat-nocap) and the hardening specs as `field value`
 * lines (bench/sections/spec-lines.ts), pinned as on a 2-CPU machine (bench/pinning.ts: load on CPU 0,
 * tasks on CPU 1, read back from both containers). Only ids, labels, the task size, spec lines and the
 * pinning change; every number is the quick run's, so this checks the wording for the current
 * variants, not the numbers.
 */
function asDockerRun(r: Results): Results {
  const cpu = (before: string | undefined, after: string | undefined) => [
    { container: 'task', removed: before ? [`cpuUnits ${before}`] : [], added: after ? [`cpuUnits ${after}`] : [] },
  ];
  const interval = (to: number) =>
    (['app', 'proxy'] as const).map((c, i) => ({ container: c, removed: [`health.intervalS ${10 + i}`], added: [`health.intervalS ${to}`] }));
  const renamed: Record<string, { id: string; label: string; changes: Results['latency']['variants'][number]['changes'] }> = {
    'lat-template': { id: 'lat-template', label: 'template task', changes: [] },
    'lat-before': { id: 'lat-cpu-256', label: 'task CPU 256', changes: cpu('1024', '256') },
    'lat-10s': { id: 'lat-30s', label: "probes every 30 s (ECS's default)", changes: interval(30) },
    'lat-noprobe': {
      id: 'lat-noprobe',
      label: 'no probe while measured (no health checks)',
      changes: [
        { container: 'app', removed: ['health {"test":["CMD","php-fpm-healthcheck"],"intervalS":10}'], added: [] },
        { container: 'proxy', removed: ['health {"test":["CMD","nginx-healthcheck"],"intervalS":11}'], added: [] },
      ],
    },
    'lat-nocap': { id: 'lat-nocap', label: 'no task CPU cap', changes: cpu('1024', undefined) },
  };
  const id = (old: string) => renamed[old]?.id ?? old;
  const spec = {
    task: ['cpuUnits 1024', 'memoryMiB 512'],
    containers: { app: ['capDrop ["ALL"]', 'readOnlyRootfs true', 'user 33:33'], proxy: ['capDrop ["ALL"]', 'readOnlyRootfs true', 'user 101:101'] },
  };
  const readBack = (container: string) => ({
    task: 'bench-template-4242',
    cgroup: `/secure-ecs/bench-template-4242/${container}0123`,
    file: `/sys/fs/cgroup/cpuset/secure-ecs/bench-template-4242/${container}0123/cpuset.cpus`,
    cgroupCpus: '1',
    processCpus: '1',
  });
  return {
    ...r,
    engine: 'docker',
    machine: { ...r.machine, docker: '20.10.24' },
    pinning: { loadCpus: '0', taskCpus: '1', otherCpus: '0-1', readBack: { app: readBack('app'), proxy: readBack('proxy') }, checkedTasks: 14 },
    loadTarget: { first: { host: '172.17.0.2', port: 8080, via: 'task address', task: 'bench-template-4242' }, tasks: { 'task address': 14 } },
    template: { ...r.template, taskCpu: '1024' },
    hardening: {
      ...r.hardening,
      // wrk ran against the task's own address (bench/load-target.ts): the report names no run-specific address.
      runs: r.hardening.runs.map((x) => ({ ...x, wrk: { ...x.wrk, command: x.wrk.command.replace(/127\.0\.0\.1:\d+/, '172.17.0.2:8080') } })),
      variants: r.hardening.variants.map((v) => ({
        ...v,
        changes: v.id === 'hardened' ? [] : [{ container: 'app', removed: ['readOnlyRootfs true', 'user 33:33'], added: ['readOnlyRootfs false', 'user 0:0'] }],
        podRemoved: v.id === 'unhardened' ? ['cpuUnits 1024', 'memoryMiB 512'] : [],
        podArgs: v.id === 'unhardened' ? [] : spec.task,
        createArgs: spec.containers,
      })),
    },
    latency: {
      ...r.latency,
      variants: r.latency.variants.map((v) => ({ ...v, ...renamed[v.id], podRemoved: [] })),
      runs: r.latency.runs.map((x) => ({ ...x, variant: id(x.variant) })),
      probes: r.latency.probes.filter((p) => p.variant === 'lat-template'),
      idle: r.latency.idle.map((x) => ({ ...x, variant: id(x.variant) })),
    },
  };
}

/**
 * A partial run (`--only latency`): only section 6's numbers; every other section was never measured,
 * so its parts are empty as bench/run.ts leaves them, and its goals must read "not measured in this run".
 */
const onlyLatency = (r: Results): Results => ({
  ...r,
  sections: ['latency'],
  images: [],
  memory: { ...r.memory, containers: [], pod: undefined },
  hardening: { variants: [], runs: [] },
  features: { ...r.features, removed: [], runs: [] },
  limiter: { ...r.limiter, levels: [] },
  devloop: {},
  startup: undefined,
  crashRecovery: undefined,
  ecsHealth: undefined,
});

const cases: [string, () => Results][] = [
  ['report.golden', () => load('results.json')],
  // A run whose engine gives the task no address the host reaches (rootless podman, slirp4netns): the load went to the published port.
  [
    'report-full.golden',
    () => ({
      ...load('results-full.json'),
      loadTarget: {
        first: {
          host: '127.0.0.1',
          port: 41234,
          via: 'published port',
          why: "a rootless engine's networks are inside its own namespace",
          task: 'bench-template-4242',
        },
        tasks: { 'published port': 14 },
      },
    }),
  ],
  ['report-nolatency.golden', () => withoutLatency(load('results.json'))],
  ['report-docker.golden', () => asDockerRun(load('results.json'))],
  ['report-only-latency.golden', () => onlyLatency(asDockerRun(load('results.json')))],
];

test('a partial run: every goal of a section it left out is not measured, none of the measured section is', () => {
  const { goals } = renderReport(onlyLatency(asDockerRun(load('results.json'))));
  const latencyNames = ['Open loop: p99', 'Capacity at saturation per task vCPU', 'Task CPU per request vs the floors'];
  const isLatency = (name: string) => latencyNames.some((n) => name.startsWith(n));
  expect(goals.filter((g) => isLatency(g.name)).length).toBe(3);
  for (const g of goals) expect(g.notMeasured ?? false).toBe(!isLatency(g.name));
  for (const g of goals.filter((x) => x.notMeasured))
    expect(g).toMatchObject({ result: 'not measured in this run', reason: 'not measured in this run: `--only latency`' });
});

function expectGolden(file: string, actual: string): void {
  const golden = path.join(FIXTURES, file);
  if (UPDATE) {
    mkdirSync(path.dirname(golden), { recursive: true });
    writeFileSync(golden, actual);
  }
  expect(actual).toBe(readFileSync(golden, 'utf8'));
}

describe.each(cases)('%s', (golden, results) => {
  const report = renderReport(results());

  test('markdown equals the golden byte for byte', () => {
    expectGolden(`${golden}.md`, report.markdown);
  });

  test('every SVG equals its golden, and no SVG is missing or extra', () => {
    const dir = path.join(FIXTURES, golden);
    for (const [name, svg] of Object.entries(report.svgs)) expectGolden(path.join(golden, name), svg);
    const committed = existsSync(dir) ? readdirSync(dir).sort() : [];
    expect(Object.keys(report.svgs).sort()).toEqual(committed);
  });
});
