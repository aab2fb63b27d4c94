/**
 * CPU charged to the task per health-check probe, per cgroup: the probed container's cgroup, the
 * pod's `conmon` sub-cgroup (where podman puts conmon unless a container says --cgroups=no-conmon)
 * and the whole pod cgroup. Each probe is measured on its own (cpuacct before and after, one at a
 * time, 300 ms apart) and the median of K probes is reported, so a probe of the runner's own
 * supervision that lands in one window does not move the result. Two commands per container:
 * `podman healthcheck run` (what the runner does, the script included) and `podman exec <c> /bin/true`
 * (an exec that runs nothing: the price of the exec itself). cgroup v1 (cpuacct) and v2 (cpu.stat).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Podman } from '../lib/local/engines/podman/cli';
import { containerCgroup } from './footprint';
import { setTimeout as sleep } from 'node:timers/promises';

const V2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

export interface ProbeCost {
  readonly container: string;
  readonly command: 'healthcheck' | 'exec /bin/true';
  readonly probes: number;
  /** Median CPU per probe, ms. */
  readonly containerMs: number;
  readonly conmonMs: number;
  readonly podMs: number;
  /** Median wall time of the podman command, ms. */
  readonly wallMs: number;
}

function usageNs(rel: string): number {
  if (V2) {
    const file = path.join('/sys/fs/cgroup', rel, 'cpu.stat');
    if (!existsSync(file)) return 0;
    const line = readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('usage_usec '));
    return Number(line?.split(' ')[1] ?? 0) * 1000;
  }
  const file = path.join('/sys/fs/cgroup/cpuacct', rel, 'cpuacct.usage');
  return existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function probeCosts(podman: Podman, podName: string, containerNames: Record<string, string>, probes: number): Promise<ProbeCost[]> {
  const pod = (await podman.ok('pod cgroup', ['pod', 'inspect', '--format', '{{.CgroupPath}}', podName])).trim();
  const conmon = `${pod}/conmon`;
  const out: ProbeCost[] = [];
  for (const [name, engineName] of Object.entries(containerNames)) {
    const cg = await containerCgroup(podman, engineName, 'cpuacct');
    for (const command of ['healthcheck', 'exec /bin/true'] as const) {
      const args = command === 'healthcheck' ? ['healthcheck', 'run', engineName] : ['exec', engineName, '/bin/true'];
      const samples: { c: number; m: number; p: number; w: number }[] = [];
      for (let i = 0; i < probes; i++) {
        const before = [usageNs(cg), usageNs(conmon), usageNs(pod), performance.now()];
        const r = await podman.run(args);
        const after = [usageNs(cg), usageNs(conmon), usageNs(pod), performance.now()];
        if (r.code !== 0) throw new Error(`probe cost: \`podman ${args.join(' ')}\` exited ${r.code}: ${r.stderr.trim()}`);
        samples.push({ c: (after[0] - before[0]) / 1e6, m: (after[1] - before[1]) / 1e6, p: (after[2] - before[2]) / 1e6, w: after[3] - before[3] });
        await sleep(300);
      }
      out.push({
        container: name,
        command,
        probes,
        containerMs: median(samples.map((s) => s.c)),
        conmonMs: median(samples.map((s) => s.m)),
        podMs: median(samples.map((s) => s.p)),
        wallMs: median(samples.map((s) => s.w)),
      });
    }
  }
  return out;
}
