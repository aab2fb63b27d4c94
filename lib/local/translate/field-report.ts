/**
 * The start-up list of `up`: what of the task definition is honoured locally, how, and what is not.
 * The translator reports each field (translate/*.ts); what the engine does differently on this host
 * comes from its declared capabilities (EngineCapabilities in engines/container-engine.ts), turned
 * into sentences here, so nothing is listed as honoured that the engine does not do, and no engine
 * writes report prose.
 */
import { pauseName, type EngineCapabilities, type TaskLimitPlace } from '../engines/container-engine';
import { taskCgroupLayout } from '../engines/task-cgroup';
import { CONTAINER_LABEL_KEY } from '../labels';
import type { ContainerSpec, FieldReport, TaskSpec } from '../spec';

type LimitPath = 'task.Cpu' | 'task.Memory' | 'host.ECS_TASK_PIDS_LIMIT';

/** How a task limit is set where `place` says. */
function limitSet(task: TaskSpec, path: LimitPath, place: TaskLimitPlace): string {
  if (place.on === 'task-cgroup') {
    const layout = taskCgroupLayout(task.name, task, place);
    return `task cgroup ${layout.parent} (CgroupParent of every container, as the ECS agent's task cgroup): ${layout.summary}`;
  }
  // The engine's own task object is podman's pod: CPU and memory are its options, pids.max a file of its cgroup.
  if (path === 'task.Cpu') return `pod --cpus ${task.cpuUnits! / 1024} (CFS quota on the pod cgroup, a hard cap)`;
  if (path === 'task.Memory') return `pod --memory ${task.memoryMiB}m (memory limit of the pod cgroup, above the containers')`;
  return `pids.max ${task.pidsLimit} written on the pod cgroup (every process of the pod counts)`;
}

/** Task-level corrections: the task's limits and what owns its network namespace. */
function taskNotes(task: TaskSpec, caps: EngineCapabilities): FieldReport[] {
  const notes: FieldReport[] = [];
  const limits: [LimitPath, number | undefined][] = [
    ['task.Cpu', task.cpuUnits],
    ['task.Memory', task.memoryMiB],
    ['host.ECS_TASK_PIDS_LIMIT', task.pidsLimit],
  ];
  for (const [path, value] of limits) {
    if (value === undefined) continue;
    const support = path === 'host.ECS_TASK_PIDS_LIMIT' ? caps.pidsLimit : caps.taskLimits;
    if ('honoured' in support) {
      notes.push({ path, outcome: 'honoured', detail: limitSet(task, path, support.honoured) });
      continue;
    }
    // Lacking on the engine's task object, each limit is named; lacking the task cgroup, the reason covers all.
    const each = 'wouldBeOn' in support && support.wouldBeOn === 'engine-task';
    const lacking = path === 'task.Cpu' ? 'no CPU cap: ' : path === 'task.Memory' ? 'no task memory limit: ' : '';
    notes.push({ path, outcome: 'not-honoured', detail: `${each ? lacking : ''}${support.notHonoured}` });
  }
  if (caps.networkNamespace === 'pause-container') {
    notes.push({
      path: 'task.NetworkMode',
      outcome: 'honoured',
      detail: `a pause container (${pauseName(task)}) owns the task's network namespace and every container joins it (--network container:...), as the ECS agent builds an awsvpc task`,
    });
  }
  return notes;
}

/** Container-level corrections: limits, init, health checks, hostname and secrets. */
function containerNotes(c: ContainerSpec, caps: EngineCapabilities): FieldReport[] {
  const name = c.labels[CONTAINER_LABEL_KEY] ?? c.engineName;
  const notes: FieldReport[] = [];
  const note = (field: string, outcome: FieldReport['outcome'], detail: string) => notes.push({ path: `${name}.${field}`, outcome, detail });
  if ('notHonoured' in caps.containerLimits) {
    const why = caps.containerLimits.notHonoured;
    if (c.memoryMiB !== undefined) note('Memory', 'not-honoured', `no memory limit: ${why}`);
    note('Cpu', 'not-honoured', `no CPU shares: ${why}`);
    if (c.memoryReservationMiB !== undefined) note('MemoryReservation', 'not-honoured', why);
  }
  if (c.init && caps.init === 'tini') note('LinuxParameters.InitProcessEnabled', 'honoured', "--init (Docker's docker-init, tini, as PID 1, as on ECS)");
  if (c.health) {
    if (caps.healthSchedule === 'engine') note('HealthCheck.schedule', 'honoured', "run by Docker's daemon on the definition's schedule, as on an ECS host");
    else
      note(
        'HealthCheck.schedule',
        'deviation',
        "probed by this runner (`podman healthcheck run`; podman's own timers need systemd), every Interval from the start, StartPeriod included, as Docker 25 on the ECS-optimized AMI probes",
      );
    const asRun = caps.healthCommandAsRun(c.health.test);
    if (asRun !== undefined) note('HealthCheck.Command', 'deviation', `a single argument with blanks runs through /bin/sh (${asRun})`);
  }
  if (c.hostname && !caps.hostnameInSharedNetns)
    note('Hostname', 'not-honoured', 'Docker refuses a hostname for a container that joins another network namespace (ECS refuses Hostname in awsvpc too)');
  for (const s of c.secrets) {
    note(
      `Secrets.${s.envName}`,
      'deviation',
      caps.secrets === 'api-environment'
        ? "value from .secure-ecs.secrets.json (never printed), sent in the API request's environment: in no command line, but `docker inspect` shows it, as on an ECS host where the agent sets it the same way"
        : 'value from .secure-ecs.secrets.json (never printed), as a podman secret of type env: in no command line and not in `podman inspect`',
    );
  }
  return notes;
}

/** What the engine does differently from the translation on this host, as field reports. Pure. */
export function engineNotes(task: TaskSpec, containers: ContainerSpec[], caps: EngineCapabilities): FieldReport[] {
  return [...taskNotes(task, caps), ...containers.flatMap((c) => containerNotes(c, caps))];
}

/** The translator's reports with the engine's notes applied: a note replaces the report of its path. Pure. */
export function applyEngineNotes(fields: FieldReport[], notes: FieldReport[]): FieldReport[] {
  const byPath = new Map(notes.map((n) => [n.path, n]));
  const out = fields.map((f) => byPath.get(f.path) ?? f);
  const known = new Set(fields.map((f) => f.path));
  return [...out, ...notes.filter((n) => !known.has(n.path))];
}

/** The translation's field reports as they hold on an engine with these capabilities. Pure. */
export function fieldsOnEngine(fields: FieldReport[], task: TaskSpec, containers: ContainerSpec[], caps: EngineCapabilities): FieldReport[] {
  return applyEngineNotes(fields, engineNotes(task, containers, caps));
}

/** Honoured fields in one line per container, then every deviation and every field not honoured. Pure. */
export function fieldReportLines(fields: FieldReport[], engine: string): string[] {
  const lines: string[] = [];
  const owners = [...new Set(fields.map((f) => f.path.split('.')[0]))];
  lines.push(`Honoured (${engine} or the runner):`);
  for (const owner of owners) {
    const names = fields.filter((f) => f.outcome === 'honoured' && f.path.split('.')[0] === owner).map((f) => f.path.slice(owner.length + 1));
    if (names.length) lines.push(`  ${owner}: ${names.join(', ')}`);
  }
  const deviations = fields.filter((f) => f.outcome === 'deviation');
  if (deviations.length) {
    lines.push('Honoured differently locally:');
    for (const f of deviations) lines.push(`  ${f.path}: ${f.detail}`);
  }
  lines.push('  task: an essential container that turns UNHEALTHY while running is reported; the ECS service would replace the task, the runner keeps it');
  const not = fields.filter((f) => f.outcome === 'not-honoured');
  if (not.length) {
    lines.push('Not honoured locally (what happens instead):');
    for (const f of not) lines.push(`  ${f.path}: ${f.detail}`);
  }
  return lines;
}
