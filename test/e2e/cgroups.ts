/**
 * Read a task's and its containers' cgroups from the host, as the kernel accounts them: the task
 * cgroup from the engine (ContainerEngine.taskCgroup), a container's from /proc/<its init>/cgroup.
 * cgroup v1 (one hierarchy per controller) and v2 (one unified hierarchy) alike.
 * https://docs.kernel.org/admin-guide/cgroup-v1/ and https://docs.kernel.org/admin-guide/cgroup-v2.html
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { engine, inspect } from './helpers';

const MOUNT = '/sys/fs/cgroup';
/** The host has the unified (v2) hierarchy. */
export const v2 = existsSync(path.join(MOUNT, 'cgroup.controllers'));

/** One cgroup: a directory per controller on v1, one directory on v2. */
export class Cgroup {
  constructor(private readonly dirOf: (controller: string) => string) {}

  read(controller: string, file: string): string {
    return readFileSync(path.join(this.dirOf(controller), file), 'utf8').trim();
  }

  private field(controller: string, file: string, key: string): number {
    const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(this.read(controller, file));
    if (!m) throw new Error(`${key} not in ${path.join(this.dirOf(controller), file)}`);
    return Number(m[1]);
  }

  /** CPU time used by every process of the cgroup and its children, in seconds. */
  cpuSeconds(): number {
    return v2 ? this.field('cpu', 'cpu.stat', 'usage_usec') / 1e6 : Number(this.read('cpuacct', 'cpuacct.usage')) / 1e9;
  }

  /** CFS periods in which the cgroup used up its quota and was throttled (cpu.stat `nr_throttled`, v1 and v2). */
  throttledPeriods(): number {
    return this.field('cpu', 'cpu.stat', 'nr_throttled');
  }

  /**
   * The cgroup's CPU weight as the kernel holds it: cpu.shares on v1; cpu.weight on v2, where the
   * engines convert the task definition's shares (runc: 1 + (shares - 2) * 9999 / 262142, so 192:64
   * becomes 8:3, not 3:1).
   */
  cpuWeight(): number {
    return Number(this.read('cpu', v2 ? 'cpu.weight' : 'cpu.shares'));
  }

  /** Times the kernel's OOM killer killed a process of this cgroup. */
  oomKills(): number {
    return v2 ? this.field('memory', 'memory.events', 'oom_kill') : this.field('memory', 'memory.oom_control', 'oom_kill');
  }

  /** Shared memory (tmpfs pages) charged to this cgroup, in bytes. */
  shmemBytes(): number {
    return this.field('memory', 'memory.stat', 'shmem');
  }

  pidsCurrent(): number {
    return Number(this.read('pids', 'pids.current'));
  }

  pidsMax(): string {
    return this.read('pids', 'pids.max');
  }
}

/** The task cgroup, as the engine placed it. */
export async function taskCgroup(task: string): Promise<Cgroup> {
  const cg = await (await engine()).taskCgroup(task);
  if (!cg) throw new Error(`the engine knows no cgroup for task ${task}`);
  return new Cgroup((ctl) => (v2 ? path.join(MOUNT, cg.v2!) : path.join(MOUNT, ctl, cg.v1[ctl] ?? cg.v1.cpu)));
}

/** A container's own cgroup: the one its init process (State.Pid) is in. */
export async function containerCgroup(container: string): Promise<Cgroup> {
  const pid = (await inspect(container)).State.Pid;
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  const entry = (ctl: string) => {
    // v1 lines: `id:controller[,controller]:path`; v2: `0::path`.
    const l = lines.map((x) => x.split(':')).find(([, ctls]) => (v2 ? ctls === '' : ctls.split(',').includes(ctl)));
    if (!l) throw new Error(`container ${container} (pid ${pid}) has no ${ctl} cgroup`);
    return l.slice(2).join(':');
  };
  return new Cgroup((ctl) => (v2 ? path.join(MOUNT, entry(ctl)) : path.join(MOUNT, ctl, entry(ctl))));
}
