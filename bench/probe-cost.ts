/**
 * CPU charged to the task per health-check probe, per cgroup: the probed container's cgroup, the
 * task cgroup's `conmon` sub-cgroup (podman's, where it puts conmon unless a container says
 * --cgroups=no-conmon; absent on Docker: 0) and the whole task cgroup. Each probe is measured on its
 * own (cpuacct before and after, one at a time, 300 ms apart) and the median of K probes is reported,
 * so a probe of the engine's or runner's own schedule that lands in one window does not move the
 * result. Two commands per container, both through engine.exec, which is how a health probe runs on
 * either engine (an exec of the check's command): the health check's command (`CMD` as is,
 * `CMD-SHELL` through `/bin/sh -c`, as Docker runs it) and `/bin/true` (an exec that runs nothing:
 * the price of the exec itself). cgroup v1 (cpuacct) and v2 (cpu.stat).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ContainerEngine } from '../lib/local/engines/container-engine';
import type { HealthSpec } from '../lib/local/spec';
import { median } from './format';
import { containerCgroup, taskCgroupPath } from './footprint';
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
  /** Median wall time of the exec, ms. */
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

/** The argv Docker runs for a health check's test (moby daemon/health.go: CMD-SHELL through /bin/sh -c). Pure. */
export function healthArgv(test: readonly string[]): string[] {
  if (test[0] === 'CMD') return test.slice(1);
  if (test[0] === 'CMD-SHELL') return ['/bin/sh', '-c', test.slice(1).join(' ')];
  throw new Error(`health check test ${JSON.stringify(test)}: not CMD or CMD-SHELL`);
}

export async function probeCosts(
  engine: ContainerEngine,
  taskName: string,
  containers: { name: string; engineName: string; health?: HealthSpec }[],
  probes: number,
): Promise<ProbeCost[]> {
  const task = await taskCgroupPath(engine, taskName);
  const conmon = `${task}/conmon`;
  const out: ProbeCost[] = [];
  for (const { name, engineName, health } of containers) {
    if (!health) continue;
    const cg = await containerCgroup(engine, engineName, 'cpuacct');
    for (const command of ['healthcheck', 'exec /bin/true'] as const) {
      const argv = command === 'healthcheck' ? healthArgv(health.test) : ['/bin/true'];
      const samples: { c: number; m: number; p: number; w: number }[] = [];
      for (let i = 0; i < probes; i++) {
        const before = [usageNs(cg), usageNs(conmon), usageNs(task), performance.now()];
        const r = await engine.exec(engineName, argv, { timeoutMs: health.timeoutS * 1000 });
        const after = [usageNs(cg), usageNs(conmon), usageNs(task), performance.now()];
        if (r.code !== 0) throw new Error(`probe cost: \`${argv.join(' ')}\` in ${engineName} exited ${r.code}: ${r.output.trim()}`);
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
