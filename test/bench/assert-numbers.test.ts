import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { missingNumbers } from '../../bench/assert-numbers';
import { QUICK_CONFIG } from '../../bench/config';
import type { Results } from '../../bench/results';

const fixture = (name: string): Results => JSON.parse(readFileSync(path.join(__dirname, 'fixtures', name), 'utf8'));
const configOf = (r: Results) => ({
  ...QUICK_CONFIG,
  startupRuns: 1,
  latency: { ...QUICK_CONFIG.latency, rounds: r.latency.rounds, fractions: r.latency.fractions },
});
const idsOf = (r: Results) => [...new Set(r.latency.runs.map((x) => x.variant))];

test('a run from before the tail measurements is flagged for every per-level number it lacks', () => {
  const r = fixture('results.json');
  const problems = missingNumbers(r, configOf(r), idsOf(r));
  for (const run of r.latency.runs)
    for (const l of run.levels) {
      const at = `latency ${run.variant} ${l.fraction * 100}%`;
      expect(problems).toEqual(expect.arrayContaining([`${at} steal ticks: undefined`, `${at} host ticks: undefined`, `${at} containers CPU: undefined`]));
    }
  expect(problems).toEqual(expect.arrayContaining(['startup: runs missing', 'crash recovery: no run', 'ECS seconds to HEALTHY: undefined']));
});

test('a complete run passes, and each gap in it is named', () => {
  const r = fixture('results-full.json');
  const complete: Results = {
    ...r,
    latency: { ...r.latency, probes: r.latency.probes.slice(0, 1) },
    startup: { command: 'secure-ecs local up --detach', runs: [{ servingMs: 3000, healthyMs: 12000 }] },
    crashRecovery: { how: 'SIGKILL', runs: [{ servingAgainMs: 1000, healthyAgainMs: 11000 }] },
  };
  expect(missingNumbers(complete, configOf(complete), idsOf(complete))).toEqual([]);
  const [first, ...rest] = complete.latency.runs;
  const broken: Results = {
    ...complete,
    latency: {
      ...complete.latency,
      runs: [{ ...first, levels: [{ ...first.levels[0], paced: { ...first.levels[0].paced, ok: 0 } }, ...first.levels.slice(1)] }, ...rest],
    },
    hardening: { ...complete.hardening, runs: complete.hardening.runs.filter((x) => x.variant !== 'unhardened') },
  };
  expect(missingNumbers(broken, configOf(broken), idsOf(broken))).toEqual(
    expect.arrayContaining(['hardening: no run of unhardened', expect.stringMatching(/^latency lat-template 25%: 0\/\d+ answered 2xx$/)]),
  );
});

/** The full fixture as a run of section 6 only (`--only latency`), its one probe-cost record kept. */
const latencyOnly = (): Results => {
  const r = fixture('results-full.json');
  return { ...r, sections: ['latency'], latency: { ...r.latency, probes: r.latency.probes.slice(0, 1) } };
};

test('a partial run (--only) is checked only in the sections it measured', () => {
  const r = latencyOnly();
  const partial: Results = { ...r, hardening: { variants: [], runs: [] }, limiter: { ...r.limiter, levels: [] }, memory: { ...r.memory, containers: [] } };
  expect(missingNumbers(partial, configOf(partial), idsOf(partial))).toEqual([]);
  // The same gaps in a run of every section are named.
  expect(missingNumbers({ ...partial, sections: undefined }, configOf(partial), idsOf(partial))).toEqual(
    expect.arrayContaining(['hardening: no run of hardened', 'limiter: levels missing', 'memory: a container is missing', 'startup: runs missing']),
  );
});

test('a pinned run names the containers that read back no cpuset', () => {
  const complete = latencyOnly();
  const back = { task: 't', cgroup: '/x', file: '/sys/fs/cgroup/cpuset/x/cpuset.cpus', cgroupCpus: '1', processCpus: '1' };
  const pinned = (readBack: Record<string, typeof back>): Results => ({ ...complete, pinning: { loadCpus: '0', taskCpus: '1', otherCpus: '0-1', readBack } });
  expect(missingNumbers(pinned({ app: back, proxy: back }), configOf(complete), idsOf(complete))).toEqual([]);
  expect(missingNumbers(pinned({ app: back }), configOf(complete), idsOf(complete))).toEqual(['pinning: cpuset read back from app']);
  expect(missingNumbers({ ...complete, pinning: { off: 'no --pin: nothing pinned' } }, configOf(complete), idsOf(complete))).toEqual([]);
});
