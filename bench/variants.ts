/**
 * The variants the benchmark compares, as typed changes of the translated task (lib/local/spec.ts:
 * TaskSpec, ContainerSpec; the runner's plan fields of each container): nothing here re-declares a
 * hardening value or knows an engine's flags. Each change returns the new task and the list of spec
 * fields it changed, so the report can say precisely what differs. Pure (no I/O).
 */
import type { ContainerSpec, Dependency, HealthSpec, MountSpec, TaskSpec } from '../lib/local/spec';
import type { TranslatedContainer } from '../lib/local/translate/container';
import type { TranslatedTask } from '../lib/local/translate/task';

/** One change a variant made, for the report: `field value` strings; container `task` for task-level fields. */
export interface Change {
  readonly container: string;
  readonly removed: string[];
  readonly added: string[];
}

/** A typed change of the translated task. */
export type TaskChange = (t: TranslatedTask) => { task: TranslatedTask; changes: Change[] };

const show = (field: string, value: unknown) => `${field} ${typeof value === 'string' ? value : JSON.stringify(value)}`;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Set spec fields of the containers `which` selects, recording each field whose value changed. */
function editContainers(
  t: TranslatedTask,
  which: (c: TranslatedContainer) => boolean,
  edit: (c: TranslatedContainer) => { spec?: Partial<ContainerSpec>; health?: HealthSpec | null; dependsOn?: Dependency[] },
): { task: TranslatedTask; changes: Change[] } {
  const changes: Change[] = [];
  const containers = t.containers.map((c) => {
    if (!which(c)) return c;
    const e = edit(c);
    const removed: string[] = [];
    const added: string[] = [];
    for (const [k, v] of Object.entries(e.spec ?? {})) {
      const before = (c.spec as unknown as Record<string, unknown>)[k];
      if (JSON.stringify(before) === JSON.stringify(v)) continue;
      // Two objects (a health check): only the subfields that differ, as `health.intervalS 10`.
      if (isRecord(before) && isRecord(v)) {
        for (const sub of new Set([...Object.keys(before), ...Object.keys(v)])) {
          if (JSON.stringify(before[sub]) === JSON.stringify(v[sub])) continue;
          if (before[sub] !== undefined) removed.push(show(`${k}.${sub}`, before[sub]));
          if (v[sub] !== undefined) added.push(show(`${k}.${sub}`, v[sub]));
        }
        continue;
      }
      if (before !== undefined) removed.push(show(k, before));
      if (v !== undefined) added.push(show(k, v));
    }
    if (e.dependsOn && JSON.stringify(e.dependsOn) !== JSON.stringify(c.dependsOn)) {
      removed.push(...c.dependsOn.map((d) => `dependsOn ${d.container} ${d.condition}`));
      added.push(...e.dependsOn.map((d) => `dependsOn ${d.container} ${d.condition}`));
    }
    changes.push({ container: c.name, removed, added });
    // health null: the runner's plan loses the check too (undefined keeps it).
    const health = e.health === null ? undefined : (e.health ?? c.health);
    return { ...c, spec: { ...c.spec, ...e.spec }, health, dependsOn: e.dependsOn ?? c.dependsOn };
  });
  return { task: { ...t, containers }, changes };
}

/** Task-level fields set (undefined: removed), recorded as container `task`. */
function editTask(t: TranslatedTask, fields: Partial<Pick<TaskSpec, 'cpuUnits' | 'memoryMiB'>>): { task: TranslatedTask; changes: Change[] } {
  const removed: string[] = [];
  const added: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    const before = (t.task as unknown as Record<string, unknown>)[k];
    if (before === v) continue;
    if (before !== undefined) removed.push(show(k, before));
    if (v !== undefined) added.push(show(k, v));
  }
  return { task: { ...t, task: { ...t.task, ...fields } }, changes: [{ container: 'task', removed, added }] };
}

/** Apply changes in order, collecting what they changed. */
export function composeChanges(...cs: TaskChange[]): TaskChange {
  return (t) => {
    let cur = t;
    const changes: Change[] = [];
    for (const c of cs) {
      const r = c(cur);
      cur = r.task;
      changes.push(...r.changes);
    }
    return { task: cur, changes };
  };
}

/** The task's CPU units (a CFS quota on the task cgroup; 1024 = one vCPU); undefined removes the cap, memory kept. */
export function withTaskCpu(units: number | undefined): TaskChange {
  if (units !== undefined && !(Number.isInteger(units) && units >= 128 && units <= 196608))
    throw new Error(`task CPU: got ${units}; ECS on EC2 allows 128 to 196608 CPU units (TaskDefinition Cpu)`);
  return (t) => editTask(t, { cpuUnits: units });
}

/** Every health check probed every `seconds` instead of the definition's Interval. */
export function withHealthInterval(seconds: number): TaskChange {
  if (!(Number.isInteger(seconds) && seconds >= 5 && seconds <= 300))
    throw new Error(`health-check interval: got ${seconds}; ECS allows whole seconds from 5 to 300 (HealthCheck.Interval)`);
  return (t) => {
    if (!t.containers.some((c) => c.health)) throw new Error('withHealthInterval: no container has a health check');
    return editContainers(
      t,
      (c) => c.health !== undefined,
      (c) => {
        const health = { ...c.health!, intervalS: seconds };
        return { spec: { health }, health };
      },
    );
  };
}

/**
 * No health checks at all, so nothing probes while the task is measured; a dependency on HEALTHY
 * becomes START (ECS rejects HEALTHY on a container without a health check). A long Interval (300 s)
 * would do the same on podman, where the runner probes every second of the start period, but on
 * Docker, whose daemon schedules the probes, such a task would wait 300 s per container to start.
 */
export const withoutHealthChecks: TaskChange = (t) =>
  editContainers(
    t,
    (c) => c.health !== undefined || c.dependsOn.some((d) => d.condition === 'HEALTHY'),
    (c) => ({
      spec: { health: undefined },
      health: null,
      dependsOn: c.dependsOn.map((d) => (d.condition === 'HEALTHY' ? { ...d, condition: 'START' as const } : d)),
    }),
  );

/** php-fpm refuses to start as uid 0 unless told so (`ERROR: FPM initialization failed`). */
const PHP_FPM_ROOT_FLAG = '--allow-to-run-as-root';
const TMPFS_HARDENING_OPTIONS = new Set(['noexec', 'nosuid', 'nodev']);

/**
 * The "unhardened" task: every container with a writable root filesystem, the engine's default
 * capabilities, root (uid 0), no no-new-privileges, no init process, /tmp without
 * noexec/nosuid/nodev; with `removeLimits` also no memory limit or reservation, no CPU shares, the
 * engine's default ulimits, a /tmp without a size and no task CPU and memory limits. Health checks,
 * restart policy, the environment and everything else stay as translated. `imageCmd` is each
 * container's image CMD (php-fpm's needs the root flag when the definition has no Command).
 * `keepUser` names containers that keep their own user: nginx started as root runs its workers as
 * `nobody`, outside the group of php-fpm's unix socket (mode 0660), so a proxy reaching php-fpm there
 * keeps its own user (its workers run as that user either way; only the master differs).
 */
export function unharden(o: { removeLimits: boolean; imageCmd: Record<string, string[]>; keepUser?: readonly string[] }): TaskChange {
  return (t) => {
    const containers = editContainers(
      t,
      () => true,
      (c) => {
        const s = c.spec;
        const cmd = s.command?.length ? s.command : (o.imageCmd[c.name] ?? []);
        const phpFpm = /(^|\/)php-fpm[\d.]*$/.test(cmd[0] ?? '') && !cmd.includes(PHP_FPM_ROOT_FLAG) && !cmd.includes('-R');
        const tmpfs = Object.fromEntries(
          Object.entries(s.tmpfs).map(([p, opts]) => [p, opts.filter((x) => !TMPFS_HARDENING_OPTIONS.has(x) && !(o.removeLimits && x.startsWith('size=')))]),
        );
        const spec: Partial<ContainerSpec> = {
          readOnlyRootfs: false,
          capDrop: [],
          securityOpt: s.securityOpt.filter((x) => x !== 'no-new-privileges'),
          init: false,
          ...(o.keepUser?.includes(c.name) ? {} : { user: '0:0' }),
          tmpfs,
          ...(phpFpm ? { command: [...cmd, PHP_FPM_ROOT_FLAG] } : {}),
          ...(o.removeLimits
            ? { memoryMiB: undefined, memoryReservationMiB: undefined, memorySwapMiB: undefined, swappiness: undefined, cpuShares: 0, ulimits: [] }
            : {}),
        };
        return { spec };
      },
    );
    if (!o.removeLimits) return containers;
    const task = editTask(containers.task, { cpuUnits: undefined, memoryMiB: undefined });
    return { task: task.task, changes: [...containers.changes, ...task.changes] };
  };
}

/** `file` (a host file) bind-mounted read-only over the proxy image's nginx template at `pathInImage`. */
export function withProxyTemplate(proxy: string, file: string, pathInImage: string): TaskChange {
  return withFileOver(proxy, file, pathInImage, 'variant template', 'withProxyTemplate');
}

/**
 * `file` (a host file) mounted read-only over `pathInImage` in `container`; the report names it
 * `<what>` (the host path is the run's temporary file).
 */
export function withFileOver(container: string, file: string, pathInImage: string, what: string, caller = 'withFileOver'): TaskChange {
  return (t) => {
    if (!t.containers.some((c) => c.name === container)) throw new Error(`${caller}: the task has no container ${container}`);
    const mount: MountSpec = { kind: 'bind', source: file, target: pathInImage, readOnly: true };
    const r = editContainers(
      t,
      (c) => c.name === container,
      (c) => ({ spec: { mounts: [...(c.spec.mounts ?? []), mount] } }),
    );
    return { task: r.task, changes: r.changes.map((c) => ({ ...c, removed: [], added: [`mounts +<${what}>:${pathInImage}:ro`] })) };
  };
}

/** What a list of changes did, without the containers a change left as they were. */
export const effective = (changes: readonly Change[]) => changes.filter((c) => c.removed.length || c.added.length);
