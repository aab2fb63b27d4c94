/**
 * Translate one ECS container definition, exactly as the synthesized CloudFormation template renders
 * it (`AWS::ECS::TaskDefinition` → `ContainerDefinitions[]`), into an engine-neutral container
 * (spec.ts; each engine renders it: engines/podman/args.ts, engines/docker/api.ts) plus the
 * settings the local runner enforces itself (health probes, dependsOn, essential, restart policy).
 *
 * Pure (no I/O): every mapping is unit-tested without an engine in test/local/. Values are never
 * re-declared here; each comes from the definition. Every top-level field, and every field of
 * `LinuxParameters`, has a handler: a field without one is reported as not honoured ("unknown to the
 * translator"), never dropped silently.
 *
 * References:
 * - ECS container definition parameters:
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html
 * - Docker's container create API, whose fields the spec follows:
 *   https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Container/operation/ContainerCreate
 */

import { isIntrinsic } from '../../cfn/values';
import { CONTAINER_LABEL_KEY } from '../labels';
import type { ContainerSpec, Dependency, DependencyCondition, FieldReport, HealthSpec, RestartSpec, SecretRef, TaskSettings, VolumeSpec } from '../spec';
import { asArray, bool, Collector, isObj, num, short, type Json, type Mutable } from './collector';
import { ECS_DEFAULTS } from './ecs-defaults';
import { LINUX_PARAMETERS } from './linux-parameters';
import { tmpfsVolumeFlags } from './docker-volumes';

export interface ContainerContext {
  readonly taskName: string;
  /** Label key every object the runner creates carries (value: the task name). */
  readonly labelKey: string;
  /** Local image to run, and a sentence on where it came from (for the Image field's report). */
  readonly image: { readonly ref: string; readonly origin: string };
  /** Host port on 127.0.0.1 for a container port (only ports listed here are remapped). */
  readonly hostPorts?: Readonly<Record<number, number>>;
  /** Environment values replaced locally, each with the reason printed as a deviation. */
  readonly environmentOverrides?: Readonly<Record<string, { readonly value: string; readonly reason: string }>>;
  /** Hard limits of the process that starts the containers, by ulimit name: a container cannot get more. */
  readonly hostHardLimits?: Readonly<Record<string, number>>;
  /** The task's EFS volumes as engine volumes, by the task definition's volume name (efs-volumes.ts). */
  readonly volumes?: Readonly<Record<string, VolumeSpec>>;
  /**
   * Host files mounted read-only at the path an environment variable names (the stand-in database's CA
   * certificate at DB_TLS_CA_FILE), by variable name, each with the reason printed as a deviation.
   */
  readonly fileAtPathOf?: Readonly<Record<string, { readonly hostFile: string; readonly reason: string }>>;
}

export interface TranslatedContainer {
  /** The ECS container name. */
  readonly name: string;
  /** The engine's container name (`<task>-<name>`). */
  readonly containerName: string;
  /** The engine-neutral container (spec.ts), rendered by each engine. */
  readonly spec: ContainerSpec;
  /** Task-level settings this container needs (a task's containers share one network namespace). */
  readonly taskSettings: TaskSettings;
  readonly health?: HealthSpec;
  readonly dependsOn: Dependency[];
  readonly essential: boolean;
  readonly restart?: RestartSpec;
  readonly stopTimeoutS: number;
  readonly startTimeoutS?: number;
  readonly secrets: SecretRef[];
  readonly fields: FieldReport[];
}

/**
 * The id of a container's secret among the values the runner resolves (the podman secret's name on
 * podman): scoped to the task, so `down` can remove exactly these.
 */
export function localSecretId(taskName: string, container: string, envName: string): string {
  return `${taskName}-${container}-${envName}`.toLowerCase().replace(/[^a-z0-9_.-]/g, '-');
}

/** A container definition's `Secrets`, as the runner resolves them. */
function secretRefs(secrets: Json, taskName: string, container: string): SecretRef[] {
  return asArray(secrets)
    .filter(isObj)
    .map((s) => ({
      envName: String(s.Name),
      valueFrom: typeof s.ValueFrom === 'string' ? s.ValueFrom : short(s.ValueFrom),
      secretId: localSecretId(taskName, container, String(s.Name)),
    }));
}

/**
 * Every secret a task definition's containers ask for, read straight from its properties: the same
 * refs the translation gives, known before any image is built, so a missing local value stops `up`
 * before minutes of builds rather than after them.
 */
export function secretsOfTaskDefinition(properties: Record<string, unknown>, taskName: string): { container: string; secret: SecretRef }[] {
  return asArray(properties.ContainerDefinitions as Json)
    .filter(isObj)
    .flatMap((def) => secretRefs(def.Secrets, taskName, String(def.Name)).map((secret) => ({ container: String(def.Name), secret })));
}

type Handler = (value: Json, c: Collector, ctx: ContainerContext, out: Mutable) => void;

const HANDLERS: Record<string, Handler> = {
  // Handled first in translateContainer (the container's identity); listed so it is "known".
  Name(_v, c, ctx, out) {
    c.honoured('Name', `container ${ctx.taskName}-${out.name} of task ${ctx.taskName}, labelled ${CONTAINER_LABEL_KEY}=${out.name}`);
  },
  Image(v, c, ctx) {
    c.deviation('Image', `${ctx.image.ref}: ${ctx.image.origin} (ECS pulls ${isIntrinsic(v) ? 'the pushed asset from ECR' : short(v)})`);
  },
  Cpu(v, c, _ctx, out) {
    const cpu = num(v) ?? 0;
    // The agent passes Cpu below 2 (or none) as 2 shares and caps it at 262144 (task_definition_parameters.html#container_definition_cpu).
    const shares = Math.min(ECS_DEFAULTS.maxCpuShares, Math.max(ECS_DEFAULTS.minCpuShares, Math.round(cpu)));
    out.spec.cpuShares = shares;
    c.honoured('Cpu', `--cpu-shares ${shares} (a relative weight, not a cap: the cap is the task's Cpu)`);
  },
  Memory(v, c, _ctx, out) {
    const mib = num(v);
    if (mib === undefined) return c.notHonoured('Memory', `not a number (${short(v)}); no container memory limit`);
    out.spec.memoryMiB = mib;
    c.honoured('Memory', `--memory ${mib}m (hard limit; tmpfs pages count against it as on ECS)`);
  },
  MemoryReservation(v, c, _ctx, out) {
    const mib = num(v);
    if (mib === undefined) return c.notHonoured('MemoryReservation', `not a number (${short(v)})`);
    out.spec.memoryReservationMiB = mib;
    c.honoured('MemoryReservation', `--memory-reservation ${mib}m (soft limit)`);
  },
  PortMappings(v, c, ctx, out) {
    const described: string[] = [];
    for (const pm of asArray(v).filter(isObj)) {
      const containerPort = num(pm.ContainerPort);
      if (containerPort === undefined) {
        c.notHonoured('PortMappings', `mapping without a fixed ContainerPort (${short(pm)}) is not published`);
        continue;
      }
      const protocol = typeof pm.Protocol === 'string' ? pm.Protocol.toLowerCase() : 'tcp';
      const hostPort = ctx.hostPorts?.[containerPort] ?? num(pm.HostPort) ?? containerPort;
      // Loopback only: the ALB is the only client in AWS; locally nothing but this machine may connect.
      out.taskSettings.publish.push({ hostIp: '127.0.0.1', hostPort, containerPort, protocol });
      described.push(`127.0.0.1:${hostPort} -> ${containerPort}/${protocol}`);
    }
    if (described.length) {
      c.deviation(
        'PortMappings',
        `published by the task as ${described.join(', ')} only (in AWS the task ENI's port, reachable from the ALB's security group)`,
      );
    }
  },
  Essential(v, c, _ctx, out) {
    out.essential = bool(v) ?? true;
    c.honoured(
      'Essential',
      out.essential ? 'runner: if it exits and is not restarted, the task stops (every container is stopped)' : 'runner: its exit does not stop the task',
    );
  },
  EntryPoint(v, c, _ctx, out) {
    out.spec.entrypoint = asArray(v).map(String);
    c.honoured('EntryPoint', `--entrypoint ${JSON.stringify(out.spec.entrypoint)}`);
  },
  Command(v, c, _ctx, out) {
    out.spec.command = asArray(v).map(String);
    c.honoured('Command', `arguments after the image: ${JSON.stringify(out.spec.command)}`);
  },
  Environment(v, c, ctx, out) {
    const overrides = ctx.environmentOverrides ?? {};
    const names: string[] = [];
    for (const kv of asArray(v).filter(isObj)) {
      const name = String(kv.Name);
      const override = overrides[name];
      if (override) {
        out.spec.env[name] = override.value;
        c.deviation(`Environment.${name}`, `${short(kv.Value)} -> ${override.value}: ${override.reason}`);
      } else if (typeof kv.Value === 'string' && ctx.fileAtPathOf?.[name] && kv.Value.startsWith('/')) {
        const file = ctx.fileAtPathOf[name];
        out.spec.env[name] = kv.Value;
        (out.spec.mounts ??= []).push({ kind: 'bind', source: file.hostFile, target: kv.Value, readOnly: true });
        c.deviation(`Environment.${name}`, `${kv.Value}: ${file.reason}, mounted read-only at that path over what the image has there`);
      } else if (typeof kv.Value === 'string' || typeof kv.Value === 'number' || typeof kv.Value === 'boolean') {
        out.spec.env[name] = String(kv.Value);
        names.push(name);
      } else {
        c.notHonoured(`Environment.${name}`, `value ${short(kv.Value)} is resolved only at deployment; the variable is not set`);
      }
    }
    if (names.length) c.honoured('Environment', `--env ${names.join(', ')}`);
  },
  EnvironmentFiles(v, c) {
    if (asArray(v).length) c.notHonoured('EnvironmentFiles', 'S3 environment files are not fetched; their variables are not set');
  },
  MountPoints(v, c, ctx, out) {
    for (const mp of asArray(v).filter(isObj)) {
      const volume = ctx.volumes?.[String(mp.SourceVolume)];
      const target = String(mp.ContainerPath);
      if (!volume || !target.startsWith('/')) {
        c.notHonoured(
          `MountPoints.${target}`,
          `volume ${short(mp.SourceVolume)} is not created locally; the path stays part of the image (read-only when the root is)`,
        );
        continue;
      }
      const readOnly = bool(mp.ReadOnly) ?? false;
      const volumeFlags = tmpfsVolumeFlags(volume);
      (out.spec.mounts ??= []).push({ kind: 'volume', source: volume.name, target, readOnly, ...(volumeFlags.length ? { volumeFlags } : {}) });
      c.honoured(`MountPoints.${target}`, `--mount type=volume,source=${volume.name},target=${target}${readOnly ? ',readonly' : ''}`);
    }
  },
  VolumesFrom(v, c) {
    if (asArray(v).length) c.notHonoured('VolumesFrom', 'task volumes are not created locally');
  },
  Links(v, c) {
    if (asArray(v).length)
      c.notHonoured('Links', 'bridge-mode links do not exist in a shared network namespace; containers reach each other on localhost (as in awsvpc)');
  },
  LinuxParameters(v, c, _ctx, out) {
    if (!isObj(v)) return;
    for (const [key, value] of Object.entries(v)) {
      const handler = LINUX_PARAMETERS[key];
      if (handler) handler(value, c, out);
      else c.notHonoured(`LinuxParameters.${key}`, `unknown to the translator (${short(value)}); ignored`);
    }
  },
  Secrets(v, c, ctx, out) {
    for (const secret of secretRefs(v, ctx.taskName, out.name)) {
      out.secrets.push(secret);
      out.spec.secrets.push({ envName: secret.envName, secretId: secret.secretId });
      c.deviation(`Secrets.${secret.envName}`, `value from .secure-ecs.secrets.json (never printed) instead of ${secret.valueFrom}`);
    }
  },
  DependsOn(v, c, _ctx, out) {
    for (const d of asArray(v).filter(isObj)) {
      const condition = String(d.Condition ?? 'START').toUpperCase() as DependencyCondition;
      if (!['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'].includes(condition)) {
        c.notHonoured(`DependsOn.${d.ContainerName}`, `unknown condition ${condition}; treated as START`);
        out.dependsOn.push({ container: String(d.ContainerName), condition: 'START' });
        continue;
      }
      out.dependsOn.push({ container: String(d.ContainerName), condition });
    }
    if (out.dependsOn.length) c.honoured('DependsOn', `runner: started only after ${out.dependsOn.map((d) => `${d.container} is ${d.condition}`).join(', ')}`);
  },
  StartTimeout(v, c, _ctx, out) {
    out.startTimeoutS = num(v);
    // The dependency's own timeout, as the ECS agent applies it (agent/engine/dependencygraph/graph.go hasDependencyTimedOut).
    c.honoured(
      'StartTimeout',
      `runner: a container depending on this one with SUCCESS, COMPLETE or HEALTHY is not started (and stops the task if essential) when the condition does not hold ${out.startTimeoutS} s after this one started`,
    );
  },
  StopTimeout(v, c, _ctx, out) {
    out.stopTimeoutS = num(v) ?? ECS_DEFAULTS.stopTimeoutS;
    out.spec.stopTimeoutS = out.stopTimeoutS;
    c.honoured('StopTimeout', `--stop-timeout ${out.stopTimeoutS} (stop signal, then SIGKILL after ${out.stopTimeoutS} s)`);
  },
  Hostname(v, c, _ctx, out) {
    out.spec.hostname = String(v);
    c.honoured('Hostname', `--hostname ${v}`);
  },
  User(v, c, _ctx, out) {
    out.spec.user = String(v);
    c.honoured('User', `--user ${v}`);
  },
  WorkingDirectory(v, c, _ctx, out) {
    out.spec.workingDir = String(v);
    c.honoured('WorkingDirectory', `--workdir ${v}`);
  },
  DisableNetworking(v, c) {
    if (bool(v)) c.notHonoured('DisableNetworking', 'a task container always joins the task network namespace (awsvpc does not allow it either)');
  },
  Privileged(v, c, _ctx, out) {
    if (bool(v)) {
      out.spec.privileged = true;
      c.honoured('Privileged', '--privileged');
    } else {
      c.honoured('Privileged', 'false: not privileged');
    }
  },
  ReadonlyRootFilesystem(v, c, _ctx, out) {
    out.spec.readOnlyRootfs = bool(v) ?? false;
    if (out.spec.readOnlyRootfs) {
      c.honoured('ReadonlyRootFilesystem', '--read-only (only the Tmpfs mounts are writable)');
    } else {
      c.honoured('ReadonlyRootFilesystem', 'false: writable root');
    }
  },
  DnsServers(v, c, _ctx, out) {
    out.taskSettings.dns.push(...asArray(v).map(String));
    if (asArray(v).length) c.honoured('DnsServers', `--dns on the task network namespace (it owns resolv.conf)`);
  },
  DnsSearchDomains(v, c, _ctx, out) {
    out.taskSettings.dnsSearch.push(...asArray(v).map(String));
    if (asArray(v).length) c.honoured('DnsSearchDomains', `--dns-search on the task network namespace`);
  },
  ExtraHosts(v, c, _ctx, out) {
    const hosts = asArray(v).filter(isObj);
    out.taskSettings.extraHosts.push(...hosts.map((h) => `${h.Hostname}:${h.IpAddress}`));
    if (hosts.length) c.honoured('ExtraHosts', `--add-host on the task network namespace (it owns /etc/hosts)`);
  },
  DockerSecurityOptions(v, c, _ctx, out) {
    for (const opt of asArray(v).map(String)) {
      if (opt === 'no-new-privileges') {
        out.spec.securityOpt.push('no-new-privileges');
        c.honoured('DockerSecurityOptions.no-new-privileges', '--security-opt no-new-privileges');
      } else if (/^(apparmor|label|seccomp):/.test(opt)) {
        // ECS's "apparmor:P" is the engines' "apparmor=P".
        const [key, ...rest] = opt.split(':');
        out.spec.securityOpt.push(`${key}=${rest.join(':')}`);
        c.honoured(`DockerSecurityOptions.${key}`, `--security-opt ${key}=${rest.join(':')}`);
      } else {
        c.notHonoured(`DockerSecurityOptions.${opt}`, 'no engine equivalent on Linux (credentialspec is for Windows/gMSA); ignored');
      }
    }
  },
  Interactive(v, c, _ctx, out) {
    out.spec.interactive = bool(v) ?? false;
    c.honoured('Interactive', bool(v) ? '--interactive' : 'false');
  },
  PseudoTerminal(v, c, _ctx, out) {
    out.spec.tty = bool(v) ?? false;
    c.honoured('PseudoTerminal', bool(v) ? '--tty' : 'false');
  },
  DockerLabels(v, c, _ctx, out) {
    if (!isObj(v)) return;
    for (const [k, val] of Object.entries(v)) out.spec.labels[k] = String(val);
    c.honoured('DockerLabels', `--label (${Object.keys(v).length})`);
  },
  Ulimits(v, c, ctx, out) {
    const applied: string[] = [];
    for (const u of asArray(v).filter(isObj)) {
      const name = String(u.Name);
      let soft = num(u.SoftLimit);
      let hard = num(u.HardLimit);
      if (soft === undefined || hard === undefined) {
        c.notHonoured(`Ulimits.${name}`, `limits not numbers (${short(u)}); the engine's default applies`);
        continue;
      }
      // Without CAP_SYS_RESOURCE nobody can raise a hard limit: a container cannot get more than the
      // process starting it (podman then fails with "error setting rlimit ... operation not permitted").
      const cap = ctx.hostHardLimits?.[name];
      if (cap !== undefined && hard > cap) {
        c.deviation(`Ulimits.${name}`, `${soft}:${hard} lowered to ${Math.min(soft, cap)}:${cap}, this machine's hard limit`);
        hard = cap;
        soft = Math.min(soft, cap);
      }
      out.spec.ulimits.push({ name, soft, hard });
      applied.push(`${name}=${soft}:${hard}`);
    }
    if (applied.length) c.honoured('Ulimits', `--ulimit ${applied.join(' --ulimit ')}`);
  },
  LogConfiguration(v, c) {
    if (!isObj(v)) return;
    const driver = String(v.LogDriver);
    const options = isObj(v.Options) ? v.Options : {};
    const group = options['awslogs-group'];
    const where =
      driver === 'awslogs' ? `CloudWatch Logs (group ${isIntrinsic(group) ? 'created by the stack' : short(group)}, ${options.mode ?? 'blocking'})` : driver;
    c.notHonoured('LogConfiguration', `${where} -> the engine's log: \`secure-ecs local logs ${c.container}\``);
  },
  HealthCheck(v, c, _ctx, out) {
    if (!isObj(v)) return;
    const test = asArray(v.Command).map(String);
    if (test[0] !== 'CMD' && test[0] !== 'CMD-SHELL') {
      c.notHonoured('HealthCheck', `Command must start with CMD or CMD-SHELL (${short(test)}); no health check`);
      return;
    }
    const spec: HealthSpec = {
      test,
      intervalS: num(v.Interval) ?? ECS_DEFAULTS.healthIntervalS,
      timeoutS: num(v.Timeout) ?? ECS_DEFAULTS.healthTimeoutS,
      retries: num(v.Retries) ?? ECS_DEFAULTS.healthRetries,
      startPeriodS: num(v.StartPeriod) ?? ECS_DEFAULTS.healthStartPeriodS,
    };
    out.health = spec;
    out.spec.health = spec;
    c.honoured(
      'HealthCheck',
      `--health-cmd ${JSON.stringify(test)} --health-interval ${spec.intervalS}s --health-timeout ${spec.timeoutS}s --health-retries ${spec.retries} --health-start-period ${spec.startPeriodS}s`,
    );
  },
  SystemControls(v, c, _ctx, out) {
    for (const s of asArray(v).filter(isObj)) {
      // net.* belongs to the network namespace, which the task owns (as the task ENI does in awsvpc).
      if (String(s.Namespace).startsWith('net.')) out.taskSettings.sysctls[String(s.Namespace)] = String(s.Value);
      else out.spec.sysctls[String(s.Namespace)] = String(s.Value);
    }
    if (asArray(v).length) c.honoured('SystemControls', '--sysctl (net.* on the task network namespace)');
  },
  ResourceRequirements(v, c) {
    if (asArray(v).length) c.notHonoured('ResourceRequirements', 'GPUs and inference accelerators are not attached locally');
  },
  FirelensConfiguration(_v, c) {
    c.notHonoured('FirelensConfiguration', 'no FireLens log router locally; logs stay in the engine');
  },
  RepositoryCredentials(_v, c) {
    c.notHonoured('RepositoryCredentials', 'images are built locally; no registry credentials are used');
  },
  CredentialSpecs(_v, c) {
    c.notHonoured('CredentialSpecs', 'gMSA credential specs (Active Directory) are not available locally');
  },
  RestartPolicy(v, c, _ctx, out) {
    if (!isObj(v) || !bool(v.Enabled)) {
      c.honoured('RestartPolicy', 'disabled: an exited container is not restarted');
      return;
    }
    out.restart = {
      ignoredExitCodes: asArray(v.IgnoredExitCodes)
        .map((x) => num(x))
        .filter((x): x is number => x !== undefined),
      attemptPeriodS: num(v.RestartAttemptPeriod) ?? ECS_DEFAULTS.restartAttemptPeriodS,
    };
    c.honoured(
      'RestartPolicy',
      `runner (not the engine's --restart, which has no attempt period): restarted in place when it exits after running >= ${out.restart.attemptPeriodS} s` +
        `${out.restart.ignoredExitCodes.length ? `, except exit codes ${out.restart.ignoredExitCodes.join(', ')}` : ''}, as the ECS agent does`,
    );
  },
  VersionConsistency(v, c) {
    c.notHonoured('VersionConsistency', `${short(v)}: images are built locally, so there is no registry digest to pin`);
  },
};

/**
 * Translate one container definition. `def` is the object from the template; `ctx` carries what only
 * the local run knows (task name, built image, host port, overrides, host limits).
 */
export function translateContainer(def: Record<string, unknown>, ctx: ContainerContext): TranslatedContainer {
  const name = String(def.Name);
  const c = new Collector(name);
  const containerName = `${ctx.taskName}-${name}`;
  const out: Mutable = {
    name,
    spec: {
      engineName: containerName,
      image: ctx.image.ref,
      labels: { [ctx.labelKey]: ctx.taskName, [CONTAINER_LABEL_KEY]: name },
      env: {},
      secrets: [],
      tty: false,
      interactive: false,
      stopTimeoutS: ECS_DEFAULTS.stopTimeoutS,
      readOnlyRootfs: false,
      tmpfs: {},
      capDrop: [],
      capAdd: [],
      securityOpt: [],
      init: false,
      privileged: false,
      cpuShares: ECS_DEFAULTS.minCpuShares,
      ulimits: [],
      devices: [],
      sysctls: {},
    },
    dependsOn: [],
    essential: true,
    stopTimeoutS: ECS_DEFAULTS.stopTimeoutS,
    secrets: [],
    taskSettings: { publish: [], sysctls: {}, dns: [], dnsSearch: [], extraHosts: [] },
  };

  // Memory first: MaxSwap is relative to it.
  const order = ['Memory', ...Object.keys(def).filter((k) => k !== 'Memory')];
  for (const key of order) {
    if (!(key in def)) continue;
    const handler = HANDLERS[key];
    if (handler) handler(def[key], c, ctx, out);
    else c.notHonoured(key, `unknown to the translator (${short(def[key])}); ignored`);
  }

  if (!('Essential' in def)) c.honoured('Essential', 'not set: essential (the ECS default); runner stops the task if it exits and is not restarted');
  if (!('StopTimeout' in def)) {
    c.deviation('StopTimeout', `not set: ${out.stopTimeoutS} s, the agent's default (ECS_CONTAINER_STOP_TIMEOUT)`);
  }

  return {
    name,
    containerName,
    spec: out.spec,
    taskSettings: out.taskSettings,
    health: out.health,
    dependsOn: out.dependsOn,
    essential: out.essential,
    restart: out.restart,
    stopTimeoutS: out.stopTimeoutS,
    startTimeoutS: out.startTimeoutS,
    secrets: out.secrets,
    fields: c.fields,
  };
}
