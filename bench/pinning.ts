/**
 * Measurement-only CPU pinning. On an ECS host the load comes from the ALB on other machines; here
 * the bench's load generators (paced.ts in this process, and the wrk and FastCGI clients it starts,
 * which inherit its CPU affinity) share the machine with the task under test, so with two or more
 * CPUs the generators run on the first of the CPUs this process may use and every task under test on
 * the others (a cpuset the engine sets, bench/tasks.ts, TaskSpec.measurementCpuset). ECS has no
 * cpuset setting, so `local up` and the template never use it. Without `--pin`, with one CPU, or with an
 * engine on another kernel (whose CPUs are not these), nothing is pinned. Off by default: a task whose
 * cpuset has no more cores than its vCPUs cannot spend its CFS quota early in a period, so a pinned
 * run hides the quota stall an ECS host with more cores than the task's vCPUs shows (on a 2-core
 * machine the 1-vCPU template throttled in 0 of about 600 periods pinned), and the committed full runs
 * are unpinned.
 *
 * The choice of CPUs and the CPU-list format are pure; pinning this process (`taskset -a -p`, every
 * thread, util-linux) and reading a container's cpuset back are not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { ContainerEngine } from '../lib/local/engines/container-engine';
import { LocalStepError } from '../lib/local/errors';
import { runLines } from '../lib/local/run-lines';

/** CPUs in the kernel's list format ("0-2,5", cpuset(7) "List format"), ascending and without duplicates. */
export function parseCpuList(list: string): number[] {
  const cpus = new Set<number>();
  for (const part of list.trim().split(',')) {
    if (!part) continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`not a CPU list: ${JSON.stringify(list)}`);
    const [lo, hi] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (hi < lo) throw new Error(`not a CPU list: ${JSON.stringify(list)}`);
    for (let c = lo; c <= hi; c++) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** The kernel's list format of CPUs: runs of consecutive CPUs as ranges ([0, 1, 2, 5] -> "0-2,5"). */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** What a run pins: the load generators' CPUs and the tasks' (kernel list format), or why nothing. */
export type PinPlan = { readonly loadCpus: string; readonly taskCpus: string; readonly allCpus: string } | { readonly off: string };

/**
 * The pinning for the CPUs this process may use: the first for the load, the rest for the tasks
 * (one core for the generators: wrk runs one thread, paced.ts is one event loop). Nothing with fewer
 * than two CPUs (the task would get none of its own), without `--pin`, or where the engine cannot
 * pin (`engineCannot`, engineCannotPin).
 */
export function choosePinning(available: readonly number[], o: { pin: boolean; engineCannot?: string }): PinPlan {
  if (!o.pin) return { off: 'no --pin: nothing pinned' };
  if (o.engineCannot) return { off: `${o.engineCannot}: nothing pinned` };
  const cpus = [...new Set(available)].sort((a, b) => a - b);
  if (cpus.length < 2) return { off: `${cpus.length} CPU available: nothing pinned (the task would get no CPU of its own)` };
  return { loadCpus: formatCpuList(cpus.slice(0, 1)), taskCpus: formatCpuList(cpus.slice(1)), allCpus: formatCpuList(cpus) };
}

/**
 * Why the engine cannot give a task this machine's CPUs, if it cannot: it runs on another kernel
 * (Docker Desktop, podman machine: its CPUs are a VM's), or it sets no container limits here
 * (rootless podman on cgroup v1 ignores them).
 */
export function engineCannotPin(engine: Pick<ContainerEngine, 'info' | 'capabilities'>): string | undefined {
  if (engine.info.remote) return "the engine runs on another kernel (a VM), whose CPUs are not this process's";
  const limits = engine.capabilities.containerLimits;
  return 'notHonoured' in limits ? `the engine sets no container limits here (${limits.notHonoured})` : undefined;
}

/** `Cpus_allowed_list` of a /proc/<pid>/status text. */
export function cpusAllowed(statusText: string): string | undefined {
  return /^Cpus_allowed_list:\s*(\S+)\s*$/m.exec(statusText)?.[1];
}

/** The CPUs this process may run on (its affinity, which an outer taskset or cpuset already narrows). */
export function availableCpus(): number[] {
  const list = cpusAllowed(readFileSync('/proc/self/status', 'utf8'));
  if (!list) throw new Error('/proc/self/status has no Cpus_allowed_list');
  return parseCpuList(list);
}

/**
 * Pin every thread of this process to `cpus` (threads and children started later inherit it), and
 * read it back from every thread: a pin that did not take is an error, not a footnote.
 */
export async function pinSelf(cpus: string): Promise<void> {
  const r = await runLines('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { tail: 5, timeoutMs: 10_000 });
  if (r.code !== 0) throw new LocalStepError('pin the bench to its CPUs', `taskset -a -p -c ${cpus} ${process.pid} exited with ${r.code}: ${r.tail.join(' ')}`);
  const want = formatCpuList(parseCpuList(cpus));
  for (const tid of readdirSync('/proc/self/task')) {
    let got: string | undefined;
    try {
      got = cpusAllowed(readFileSync(`/proc/self/task/${tid}/status`, 'utf8'));
    } catch {
      continue; // the thread ended meanwhile
    }
    if (got === undefined || formatCpuList(parseCpuList(got)) !== want)
      throw new LocalStepError('pin the bench to its CPUs', `taskset ran, but thread ${tid} of this process may run on ${got} instead of ${want}`);
  }
}

/** The cpuset cgroup of a process, relative to the mount, from /proc/<pid>/cgroup (v1: the cpuset line, v2: the unified one). */
export function cpusetCgroupOf(procCgroup: string, version: 1 | 2): string | undefined {
  for (const line of procCgroup.split('\n')) {
    const [, controllers, p] = /^\d+:([^:]*):(.*)$/.exec(line.trim()) ?? [];
    if (p === undefined) continue;
    if (version === 2 ? controllers === '' : controllers.split(',').includes('cpuset')) return p;
  }
  return undefined;
}

/** What a running container's main process reads for its CPUs: its cpuset cgroup's CPUs and its own affinity. */
export interface CpusetReadBack {
  readonly cgroup: string;
  /** The cpuset cgroup file read (cpuset.cpus on v1, cpuset.cpus.effective on v2). */
  readonly file: string;
  readonly cgroupCpus: string;
  readonly processCpus: string;
}

/** Read the cpuset of a process on this host's cgroup tree. */
export function readCpuset(pid: number, version: 1 | 2): CpusetReadBack {
  const cgroup = cpusetCgroupOf(readFileSync(`/proc/${pid}/cgroup`, 'utf8'), version);
  if (cgroup === undefined) throw new Error(`/proc/${pid}/cgroup names no cpuset cgroup`);
  const file = version === 2 ? `/sys/fs/cgroup${cgroup}/cpuset.cpus.effective` : `/sys/fs/cgroup/cpuset${cgroup}/cpuset.cpus`;
  return {
    cgroup,
    file,
    cgroupCpus: readFileSync(file, 'utf8').trim(),
    processCpus: cpusAllowed(readFileSync(`/proc/${pid}/status`, 'utf8')) ?? '?',
  };
}

/** Whether a read-back is the CPUs asked for, in both the cgroup and the process's affinity. */
export function cpusetMatches(r: Pick<CpusetReadBack, 'cgroupCpus' | 'processCpus'>, want: string): boolean {
  const norm = (x: string) => {
    try {
      return formatCpuList(parseCpuList(x));
    } catch {
      return `invalid ${x}`;
    }
  };
  return norm(r.cgroupCpus) === norm(want) && norm(r.processCpus) === norm(want);
}
