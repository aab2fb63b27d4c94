/**
 * Translate the task-level fields of an `AWS::ECS::TaskDefinition` (CPU and memory, network mode,
 * roles ...) into an engine-neutral task (spec.ts), and its containers (container.ts)
 * into a start order.
 * Pure, like the container translator; unit-tested in test/local/.
 *
 * The task is awsvpc-shaped on every engine: its containers share one network namespace and reach each
 * other on localhost (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html);
 * task-level Cpu and Memory become the limits of one task cgroup, as the agent puts the task's
 * containers under one cgroup with those limits.
 */
import type { AgentSettings } from '../../cfn/agent-settings';
import { FAMILY_LABEL_KEY } from '../labels';
import type { FieldReport, TaskSpec } from '../spec';
import { isObj, short } from './collector';
import { translateContainer, type ContainerContext, type TranslatedContainer } from './container';
import { translateVolumes, type AccessPointShape } from './efs-volumes';

export interface TaskContext extends Omit<ContainerContext, 'image' | 'volumes'> {
  /** The template's EFS access points (assembly-task.ts): the owner of a new EFS volume's root. */
  readonly accessPoints?: Readonly<Record<string, AccessPointShape>>;
  /** The local image of each container (by ECS container name). */
  readonly images: Readonly<Record<string, ContainerContext['image']>>;
  /** The ECS agent settings of the hosts that run the task (assembly-task.ts): host-level task limits. */
  readonly agentSettings?: AgentSettings;
}

export interface TranslatedTask {
  /** The task's cgroup limits and network namespace (rendered by each engine). */
  readonly task: TaskSpec;
  /** Containers in start order (dependencies first). */
  readonly containers: TranslatedContainer[];
  /** Task-level and container-level field reports, in template order. */
  readonly fields: FieldReport[];
}

/** Task CPU as CloudFormation accepts it: CPU units ("256", 256) or vCPU ("0.25 vCPU", "1 vcpu"). */
export function parseTaskCpu(v: unknown): number | undefined {
  const s = String(v ?? '').trim();
  const units = /^(\d+)$/.exec(s);
  if (units) return Number(units[1]);
  const vcpu = /^(\d+(?:\.\d+)?)\s*vcpu$/i.exec(s);
  return vcpu ? Math.round(Number(vcpu[1]) * 1024) : undefined;
}

/** Task memory as CloudFormation accepts it: MiB ("512", 512) or GB ("1 GB", "0.5gb"). */
export function parseTaskMemoryMiB(v: unknown): number | undefined {
  const s = String(v ?? '').trim();
  const mib = /^(\d+)$/.exec(s);
  if (mib) return Number(mib[1]);
  const gb = /^(\d+(?:\.\d+)?)\s*gb$/i.exec(s);
  return gb ? Math.round(Number(gb[1]) * 1024) : undefined;
}

/** Containers ordered so each comes after the containers it depends on (template order otherwise). */
export function startOrder(containers: TranslatedContainer[]): TranslatedContainer[] {
  const byName = new Map(containers.map((c) => [c.name, c]));
  for (const c of containers) {
    for (const d of c.dependsOn) {
      if (!byName.has(d.container)) throw new Error(`container ${c.name} depends on ${d.container}, which is not in the task definition`);
    }
  }
  const ordered: TranslatedContainer[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: TranslatedContainer, path: string[]) => {
    if (state.get(c.name) === 'done') return;
    if (state.get(c.name) === 'visiting') throw new Error(`DependsOn has a cycle: ${[...path, c.name].join(' -> ')}`);
    state.set(c.name, 'visiting');
    for (const d of c.dependsOn) visit(byName.get(d.container)!, [...path, c.name]);
    state.set(c.name, 'done');
    ordered.push(c);
  };
  for (const c of containers) visit(c, []);
  return ordered;
}

type TaskHandler = (value: unknown, report: (outcome: FieldReport['outcome'], detail: string) => void, task: TaskSpec) => void;

const TASK_HANDLERS: Record<string, TaskHandler> = {
  ContainerDefinitions: () => undefined,
  Family(v, report, task) {
    task.labels[FAMILY_LABEL_KEY] = String(v);
    report('honoured', `label ${FAMILY_LABEL_KEY}=${v}`);
  },
  Cpu(v, report, task) {
    const units = parseTaskCpu(v);
    if (units === undefined) return report('not-honoured', `unreadable value ${short(v)}; no CPU cap`);
    // CPU units / 1024 = CPUs: a CFS quota on the task cgroup, a hard cap as on ECS, where the agent
    // creates one cgroup per task with the task's limits (amazon-ecs-agent agent/taskresource/cgroup/cgroup.go).
    task.cpuUnits = units;
    report('honoured', `${units / 1024} CPU (CFS quota on the task cgroup, a hard cap)`);
  },
  Memory(v, report, task) {
    const mib = parseTaskMemoryMiB(v);
    if (mib === undefined) return report('not-honoured', `unreadable value ${short(v)}; no task memory limit`);
    task.memoryMiB = mib;
    report('honoured', `${mib} MiB (memory limit of the task cgroup, above the containers')`);
  },
  NetworkMode(v, report) {
    if (v === 'awsvpc') report('honoured', 'one network namespace for the task: its containers share it and talk over localhost');
    else report('deviation', `${v}: the runner always gives the task one network namespace, as awsvpc does`);
  },
  PidMode(v, report, task) {
    if (v === 'task') {
      task.share.push('pid');
      report('honoured', 'the containers share one PID namespace');
    } else {
      report('not-honoured', `${v}: the host PID namespace is never shared locally; each container has its own`);
    }
  },
  IpcMode(v, report, task) {
    if (v === 'task') {
      task.share.push('ipc');
      report('honoured', 'the containers share one IPC namespace');
    } else if (v === 'none') {
      report('not-honoured', 'none: containers keep private IPC namespaces (no engine has a per-task "none")');
    } else {
      report('not-honoured', `${v}: the host IPC namespace is never shared locally; each container has its own`);
    }
  },
  RequiresCompatibilities(v, report) {
    report('not-honoured', `${short(v)}: runs on this machine's container engine, not on an ECS container instance`);
  },
  TaskRoleArn(_v, report) {
    report('not-honoured', 'no task role: the containers get no AWS credentials (no credentials endpoint), so AWS API calls fail');
  },
  ExecutionRoleArn(_v, report) {
    report('not-honoured', 'not needed: images are built locally, logs stay in the engine, secrets come from .secure-ecs.secrets.json');
  },
  PlacementConstraints(v, report) {
    if (Array.isArray(v) && v.length) report('not-honoured', 'there is one local "instance": placement does not apply');
  },
  RuntimePlatform(v, report) {
    report('honoured', `${short(v)}: images are built for the asset's platform`);
  },
  EphemeralStorage(_v, report) {
    report('not-honoured', "Fargate ephemeral storage size: containers use this machine's disk");
  },
  InferenceAccelerators(_v, report) {
    report('not-honoured', 'no Elastic Inference locally');
  },
  ProxyConfiguration(_v, report) {
    report('not-honoured', 'App Mesh proxy configuration is not applied');
  },
  Tags(_v, report) {
    report('not-honoured', 'AWS resource tags: nothing to tag locally');
  },
  EnableFaultInjection(_v, report) {
    report('not-honoured', 'ECS fault injection endpoints do not exist locally');
  },
};

/**
 * Task limits the ECS agent applies from its host configuration rather than from the task definition.
 * ECS_TASK_PIDS_LIMIT: the agent parses it as an integer in 1..4194304 and otherwise ignores it with a
 * warning (amazon-ecs-agent agent/config/parse_linux.go, parseTaskPidsLimit), and sets it as the task
 * cgroup's pids limit (agent/api/task/task_linux.go, BuildLinuxResourceSpec: `linuxResourceSpec.Pids`).
 */
export function hostLimits(agent: AgentSettings, task: TaskSpec): FieldReport[] {
  const path = 'host.ECS_TASK_PIDS_LIMIT';
  if (agent.conflicting.includes('ECS_TASK_PIDS_LIMIT'))
    return [{ path, outcome: 'not-honoured', detail: 'the launch templates set different values; no task PIDs limit locally' }];
  const raw = agent.settings.ECS_TASK_PIDS_LIMIT;
  if (raw === undefined) return [];
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= 4194304))
    return [
      { path, outcome: 'not-honoured', detail: `${JSON.stringify(raw)} is not an integer in 1..4194304: the ECS agent ignores it, and so does the runner` },
    ];
  task.pidsLimit = n;
  return [{ path, outcome: 'honoured', detail: `pids.max ${n} on the task cgroup (every process of every container counts), as the ECS agent sets it` }];
}

/** Translate the task definition's Properties (as in the template) into a task and its containers. */
export function translateTask(props: Record<string, unknown>, ctx: TaskContext): TranslatedTask {
  const fields: FieldReport[] = [];
  const task: TaskSpec = {
    name: ctx.taskName,
    labels: { [ctx.labelKey]: ctx.taskName },
    share: [],
    publish: [],
    sysctls: {},
    dns: [],
    dnsSearch: [],
    extraHosts: [],
  };
  const volumes = translateVolumes(props.Volumes, ctx.taskName, ctx.accessPoints ?? {});
  if (Object.keys(volumes.byName).length) task.volumes = Object.values(volumes.byName);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'Volumes') {
      fields.push(...volumes.fields);
      continue;
    }
    const report = (outcome: FieldReport['outcome'], detail: string) => fields.push({ path: `task.${key}`, outcome, detail });
    const handler = TASK_HANDLERS[key];
    if (handler) handler(value, report, task);
    else report('not-honoured', `unknown to the translator (${short(value)}); ignored`);
  }

  if (ctx.agentSettings) fields.push(...hostLimits(ctx.agentSettings, task));

  const defs = (Array.isArray(props.ContainerDefinitions) ? props.ContainerDefinitions : []).filter(isObj);
  const translated = defs.map((def) => {
    const name = String(def.Name);
    const image = ctx.images[name];
    if (!image) throw new Error(`no local image for container ${name}`);
    return translateContainer(def, { ...ctx, image, volumes: volumes.byName });
  });
  const ordered = startOrder(translated);
  for (const c of translated) {
    task.publish.push(...c.taskSettings.publish);
    Object.assign(task.sysctls, c.taskSettings.sysctls);
    task.dns.push(...c.taskSettings.dns);
    task.dnsSearch.push(...c.taskSettings.dnsSearch);
    task.extraHosts.push(...c.taskSettings.extraHosts);
    fields.push(...c.fields);
  }
  return { task, containers: ordered, fields };
}
