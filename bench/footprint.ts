/**
 * Footprint and CPU counters, on either engine: uncompressed image sizes (the engine's image size: the
 * sum of the layers as stored), and the memory and CPU each container and the task use, read from the
 * host side of their cgroups (v1 or v2): a container's from its main process's /proc/<pid>/cgroup, the
 * task's from engine.taskCgroup (the ECS-style task cgroup on Docker, the pod's on podman).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ContainerEngine } from '../lib/local/engines/container-engine';
import { runLines } from '../lib/local/run-lines';

export interface ImageSize {
  readonly container: string;
  readonly ref: string;
  readonly bytes: number;
}

/** Image sizes through the engine's own CLI (`docker image inspect`, `podman image inspect`: the engine interface has no size). */
export async function imageSizes(engine: ContainerEngine, images: Record<string, { ref: string }>): Promise<ImageSize[]> {
  const out: ImageSize[] = [];
  for (const [container, { ref }] of Object.entries(images)) {
    const r = await runLines(engine.info.kind, ['image', 'inspect', '--format', '{{.Size}}', ref], { tail: 5, timeoutMs: 30_000 });
    const bytes = Number(r.tail.join('').trim());
    if (r.code !== 0 || !Number.isFinite(bytes)) throw new Error(`${engine.info.kind} image inspect ${ref}: ${r.tail.join(' ')}`);
    out.push({ container, ref, bytes });
  }
  return out;
}

export interface CgroupMemory {
  /** Everything charged to the cgroup (anonymous memory, page cache, tmpfs). */
  readonly usageBytes: number;
  /** usage minus inactive file cache: what `docker stats` and the kubelet call the working set. */
  readonly workingSetBytes: number;
  /** Anonymous memory (process heap and stacks). */
  readonly anonBytes: number;
  /** The memory limit, or undefined when unlimited. */
  readonly limitBytes?: number;
  readonly cgroup: string;
}

const V2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

function statOf(text: string): Record<string, number> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' '))
      .map(([k, v]) => [k, Number(v)]),
  );
}

/** Read a memory cgroup given its path relative to the hierarchy root. */
function readMemoryCgroup(rel: string): CgroupMemory {
  if (V2) {
    const dir = path.join('/sys/fs/cgroup', rel);
    const usage = Number(readFileSync(path.join(dir, 'memory.current'), 'utf8'));
    const stat = statOf(readFileSync(path.join(dir, 'memory.stat'), 'utf8'));
    const max = readFileSync(path.join(dir, 'memory.max'), 'utf8').trim();
    return {
      usageBytes: usage,
      workingSetBytes: usage - (stat.inactive_file ?? 0),
      anonBytes: stat.anon ?? 0,
      limitBytes: max === 'max' ? undefined : Number(max),
      cgroup: dir,
    };
  }
  const dir = path.join('/sys/fs/cgroup/memory', rel);
  const usage = Number(readFileSync(path.join(dir, 'memory.usage_in_bytes'), 'utf8'));
  const stat = statOf(readFileSync(path.join(dir, 'memory.stat'), 'utf8'));
  const limit = Number(readFileSync(path.join(dir, 'memory.limit_in_bytes'), 'utf8'));
  // v1 reports "no limit" as the largest page-aligned value.
  return {
    usageBytes: usage,
    workingSetBytes: usage - (stat.total_inactive_file ?? 0),
    anonBytes: (stat.total_rss ?? 0) + (stat.total_shmem ?? 0),
    limitBytes: limit >= 2 ** 60 ? undefined : limit,
    cgroup: dir,
  };
}

/** A container's cgroup for one (v1) controller, from its main process's /proc/<pid>/cgroup as the host sees it. */
export async function containerCgroup(engine: ContainerEngine, containerName: string, controller: string): Promise<string> {
  const pid = Number((await engine.inspectRaw(containerName))?.State?.Pid);
  if (!(pid > 0)) throw new Error(`${containerName} has no running main process`);
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  const line = V2 ? lines.find((l) => l.startsWith('0::')) : lines.find((l) => l.split(':')[1]?.split(',').includes(controller));
  if (!line) throw new Error(`no ${controller} cgroup for ${containerName} (pid ${pid})`);
  return line.split(':').slice(2).join(':');
}

export async function containerMemory(engine: ContainerEngine, containerName: string): Promise<CgroupMemory> {
  return readMemoryCgroup(await containerCgroup(engine, containerName, 'memory'));
}

/** CPU time a container has used so far, ns. */
export async function containerCpuNs(engine: ContainerEngine, containerName: string): Promise<number> {
  const rel = await containerCgroup(engine, containerName, 'cpuacct');
  if (V2) return (statOf(readFileSync(path.join('/sys/fs/cgroup', rel, 'cpu.stat'), 'utf8')).usage_usec ?? 0) * 1000;
  return Number(readFileSync(path.join('/sys/fs/cgroup/cpuacct', rel, 'cpuacct.usage'), 'utf8'));
}

/** CPU time of each container, ns, by the definition's container name. */
export async function containersCpuNs(engine: ContainerEngine, containerNames: Record<string, string>): Promise<Record<string, number>> {
  const entries = await Promise.all(Object.entries(containerNames).map(async ([n, c]) => [n, await containerCpuNs(engine, c)] as const));
  return Object.fromEntries(entries);
}

/**
 * The task cgroup, relative to the hierarchy root (one path: the runner and podman use the same
 * relative path under every v1 controller, and runc creates it under cpuacct too).
 */
export async function taskCgroupPath(engine: ContainerEngine, taskName: string): Promise<string> {
  const cg = await engine.taskCgroup(taskName);
  const rel = V2 ? cg?.v2 : (cg?.v1.cpu ?? cg?.v1.memory);
  if (!rel) throw new Error(`${engine.info.kind} reports no task cgroup for ${taskName}`);
  return rel;
}

export async function taskMemory(engine: ContainerEngine, taskName: string): Promise<CgroupMemory> {
  return readMemoryCgroup(await taskCgroupPath(engine, taskName));
}

export interface CpuCounters {
  /** CPU time used by the cgroup, ns. */
  readonly usageNs: number;
  /** CFS periods with a quota, and those in which the cgroup was throttled. */
  readonly periods: number;
  readonly throttled: number;
  readonly throttledNs: number;
}

/** The task cgroup's CPU counters (cpuacct and CFS bandwidth statistics). */
export async function taskCpu(engine: ContainerEngine, taskName: string): Promise<CpuCounters> {
  const rel = await taskCgroupPath(engine, taskName);
  if (V2) {
    const stat = statOf(readFileSync(path.join('/sys/fs/cgroup', rel, 'cpu.stat'), 'utf8'));
    return {
      usageNs: (stat.usage_usec ?? 0) * 1000,
      periods: stat.nr_periods ?? 0,
      throttled: stat.nr_throttled ?? 0,
      throttledNs: (stat.throttled_usec ?? 0) * 1000,
    };
  }
  const stat = statOf(readFileSync(path.join('/sys/fs/cgroup/cpu', rel, 'cpu.stat'), 'utf8'));
  const usage = Number(readFileSync(path.join('/sys/fs/cgroup/cpuacct', rel, 'cpuacct.usage'), 'utf8'));
  return { usageNs: usage, periods: stat.nr_periods ?? 0, throttled: stat.nr_throttled ?? 0, throttledNs: stat.throttled_time ?? 0 };
}

export function cpuDelta(a: CpuCounters, b: CpuCounters): CpuCounters {
  return { usageNs: b.usageNs - a.usageNs, periods: b.periods - a.periods, throttled: b.throttled - a.throttled, throttledNs: b.throttledNs - a.throttledNs };
}
