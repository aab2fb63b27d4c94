/**
 * The task cgroup on Docker: one parent cgroup per task with the task's CPU quota and memory limit,
 * beneath which Docker creates each container's cgroup (`HostConfig.CgroupParent`). This is what the
 * ECS agent does for a task with task-level Cpu/Memory (agent/taskresource/cgroup/cgroup.go creates
 * `/ecs/<task id>` on cgroup v1, a `ecstasks-<id>.slice` under systemd on v2;
 * agent/resources/cgroup/init_linux.go creates the root). Pure: the layout for a host's cgroup version
 * and Docker's cgroup driver, and the shell script that applies it.
 *
 * The script runs inside a short-lived helper container that bind-mounts the daemon host's
 * /sys/fs/cgroup (docker/cgroup-helper.ts): the cgroup tree belongs to the machine the daemon runs on, which
 * is a VM under Docker Desktop and colima, and a member of the `docker` group cannot write
 * /sys/fs/cgroup directly. The helper needs no capability: cgroupfs checks file permissions only.
 */
import { shellQuote } from '../host/shell-quote';

export interface CgroupFacts {
  readonly version: 1 | 2;
  readonly driver: 'cgroupfs' | 'systemd';
}

export interface TaskLimits {
  readonly cpuUnits?: number;
  readonly memoryMiB?: number;
  /** pids.max of the task cgroup (the hosts' ECS_TASK_PIDS_LIMIT). */
  readonly pidsLimit?: number;
}

export interface CgroupLayout {
  /** Docker's HostConfig.CgroupParent for every container of the task. */
  readonly parent: string;
  /** Directories (relative to the cgroup mount) to create before writing, parents first. */
  readonly mkdirs: string[];
  /** Files (relative to the cgroup mount) and the values written to them, in order. */
  readonly writes: { readonly file: string; readonly value: string }[];
  /**
   * Directories to remove once the task's containers are gone, children first, relative to the cgroup
   * mount; on v1, relative to each hierarchy under it (cleanupScript).
   */
  readonly cleanup: string[];
  /** How the limits read in the cgroup files, for the start-up report. */
  readonly summary: string;
  /** The task cgroup, relative to the cgroup mount: per controller on v1, one directory on v2. */
  readonly directories: { readonly v1?: Record<string, string>; readonly v2?: string };
}

/** The CFS period the ECS agent uses by default (ECS_CGROUP_CPU_PERIOD, 100 ms). */
const CFS_PERIOD_US = 100_000;
const MiB = 1024 * 1024;
const ROOT = 'secure-ecs';
/** The v1 controllers the task cgroup is created under. */
const V1_CONTROLLERS = ['cpu', 'memory', 'pids'];

/** Layout of the task cgroup named after `task` (a runner task name: [a-z0-9_.-]). */
export function taskCgroupLayout(task: string, limits: TaskLimits, facts: CgroupFacts): CgroupLayout {
  const quota = limits.cpuUnits !== undefined ? Math.round((limits.cpuUnits / 1024) * CFS_PERIOD_US) : undefined;
  const memory = limits.memoryMiB !== undefined ? limits.memoryMiB * MiB : undefined;
  const summary = [
    quota !== undefined ? `CPU quota ${quota} us per ${CFS_PERIOD_US} us` : 'no CPU quota',
    memory !== undefined ? `memory ${limits.memoryMiB} MiB` : 'no memory limit',
    ...(limits.pidsLimit !== undefined ? [`pids.max ${limits.pidsLimit}`] : []),
  ].join(', ');
  const pids = limits.pidsLimit;
  if (facts.driver === 'systemd') {
    // systemd slice names encode their path with dashes (a-b.slice lives in a.slice/a-b.slice), so
    // the task part may not contain any. systemd creates the slice when the first container starts.
    const unit = `${ROOT.replace(/-/g, '')}-${task.replace(/-/g, '_')}.slice`;
    const dir = `${ROOT.replace(/-/g, '')}.slice/${unit}`;
    const writes = facts.version === 2 ? v2Writes(dir, quota, memory, pids) : v1Writes((ctl) => `${ctl}/${dir}`, quota, memory, pids);
    return { parent: unit, mkdirs: [], writes, cleanup: [], summary, directories: directoriesOf(facts.version, `/${dir}`) };
  }
  const rel = `${ROOT}/${task}`;
  if (facts.version === 2) {
    return {
      parent: `/${rel}`,
      mkdirs: [ROOT, rel],
      // A v2 cgroup passes a controller to its children only when its subtree_control names it.
      writes: [
        { file: 'cgroup.subtree_control', value: '+cpu +memory +pids' },
        { file: `${ROOT}/cgroup.subtree_control`, value: '+cpu +memory +pids' },
        ...v2Writes(rel, quota, memory, pids),
        { file: `${rel}/cgroup.subtree_control`, value: '+cpu +memory +pids' },
      ],
      cleanup: [rel],
      summary,
      directories: directoriesOf(2, `/${rel}`),
    };
  }
  const controllers = V1_CONTROLLERS;
  return {
    parent: `/${rel}`,
    mkdirs: controllers.flatMap((ctl) => [`${ctl}/${ROOT}`, `${ctl}/${rel}`]),
    writes: v1Writes((ctl) => `${ctl}/${rel}`, quota, memory, pids),
    cleanup: [rel],
    summary,
    directories: directoriesOf(1, `/${rel}`),
  };
}

/** The same task directory under each v1 controller, or the one v2 directory. */
function directoriesOf(version: 1 | 2, dir: string): CgroupLayout['directories'] {
  return version === 2 ? { v2: dir } : { v1: Object.fromEntries(V1_CONTROLLERS.map((ctl) => [ctl, dir])) };
}

function v1Writes(dir: (controller: string) => string, quota?: number, memory?: number, pids?: number): CgroupLayout['writes'] {
  const w: { file: string; value: string }[] = [];
  if (quota !== undefined)
    w.push({ file: `${dir('cpu')}/cpu.cfs_period_us`, value: String(CFS_PERIOD_US) }, { file: `${dir('cpu')}/cpu.cfs_quota_us`, value: String(quota) });
  if (memory !== undefined) w.push({ file: `${dir('memory')}/memory.limit_in_bytes`, value: String(memory) });
  if (pids !== undefined) w.push({ file: `${dir('pids')}/pids.max`, value: String(pids) });
  return w;
}

function v2Writes(dir: string, quota?: number, memory?: number, pids?: number): CgroupLayout['writes'] {
  const w: { file: string; value: string }[] = [];
  if (quota !== undefined) w.push({ file: `${dir}/cpu.max`, value: `${quota} ${CFS_PERIOD_US}` });
  if (memory !== undefined) w.push({ file: `${dir}/memory.max`, value: String(memory) });
  if (pids !== undefined) w.push({ file: `${dir}/pids.max`, value: String(pids) });
  return w;
}

/** The helper's script: create, write and read back (each line `file=value`), relative to `mount`. */
export function applyScript(layout: CgroupLayout, mount: string): string {
  return [
    'set -eu',
    `cd ${shellQuote(mount)}`,
    ...layout.mkdirs.map((d) => `[ -d ${shellQuote(d)} ] || mkdir ${shellQuote(d)}`),
    ...layout.writes.map((w) => `printf '%s' ${shellQuote(w.value)} > ${shellQuote(w.file)}`),
    ...layout.writes.filter((w) => !w.file.endsWith('subtree_control')).map((w) => `printf '%s=%s\\n' ${shellQuote(w.file)} "$(cat ${shellQuote(w.file)})"`),
  ].join('\n');
}

/**
 * The helper's script that removes the task cgroup (ignoring what is already gone). On v1 in every
 * hierarchy, not only the three the runner writes to: runc creates a container's cgroup path, parents
 * included, in each hierarchy the container joins (cpuacct, blkio, cpuset, devices, freezer, the
 * named systemd one and, on a hybrid host, the unified one: libcontainer/cgroups/fs/fs.go, `join`'s
 * os.MkdirAll) and removes only the container's own directory, so the task's directory stays behind
 * in each of them (176 empty ones in seven hierarchies after an e2e run, before this).
 */
export function cleanupScript(layout: CgroupLayout, mount: string): string {
  const remove = (d: string) =>
    layout.directories.v1 ? `for d in */${shellQuote(d)}; do rmdir "$d" 2>/dev/null || true; done` : `rmdir ${shellQuote(d)} 2>/dev/null || true`;
  return [`cd ${shellQuote(mount)}`, ...layout.cleanup.map(remove)].join('\n');
}
