import { z } from 'zod';
import { accountSettingProblems } from '../account/account-settings';
import { appConfigSchema, type AppConfig, type ParsedConfig } from './app-config';
import { fastcgiTransportOf, nestedPaths, TMP_SIZE_MIB, APP_PROCESS_MEMORY_MIB, APP_SHAPE_DEFAULTS, writableBudgetMiB } from '../constructs/app-shape';
import { DATABASE_DEFAULTS } from '../constructs/database';
import { deploymentPeakPercent } from '../constructs/deployment-strategy';
import { EC2_CAPACITY_DEFAULTS } from '../constructs/ec2-capacity';
import { defaultContainerCpu, HARDENED_TASK_DEFAULTS } from '../constructs/hardened-task-definition';
import { NETWORK_DEFAULTS } from '../constructs/network';
import { SERVICE_DEPLOYMENT_MAXIMUM_PERCENT } from '../constructs/web-service';
import { CONTROL_TOWER_DEFAULT_INSTANCE_TYPES, CONTROL_TOWER_MIN_LOG_RETENTION_DAYS } from './compliance';
import { deploymentStrategyProblems } from './deployment-strategy-rules';
import { imageAdmissionProblems, imageAdmissionWarnings } from './image-admission-rules';
import { networkInterfacesOf } from './instance-network-interfaces';

/**
 * Thrown for any invalid setting. The message names the setting, the value received and what is
 * allowed, one line per problem, so `cdk synth` output is enough to fix the configuration.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid secure-ecs configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * One line for a schema issue: the setting, the value received and what is allowed. `prefix` names
 * where `input` sits in the whole configuration (`environments.prod.` for an environment's entry).
 */
function describeIssue(input: unknown, issue: z.core.$ZodIssue, prefix = ''): string {
  const setting = `${prefix}${issue.path.join('.')}` || '(root)';
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `${setting}.` : prefix;
    return `${issue.keys.map((k) => `${where}${k}`).join(', ')}: unknown setting (check the spelling; README lists every setting)`;
  }
  return `${setting}: received ${describeReceived(valueAt(input, issue.path))}; expected ${issue.message.replace(/^Invalid input: expected /, 'a ')}`;
}

/** Longest received value quoted in a message; a longer one is cut and its length given. */
const MAX_RECEIVED_CHARS = 100;

/**
 * A received value as JSON, for a message: `Infinity` and `NaN` by name (JSON has no such number:
 * `1e999` in a file parses as Infinity, and JSON.stringify would print `null`), and cut after
 * {@link MAX_RECEIVED_CHARS} characters so a 10 MB value does not become a 10 MB line.
 */
export function describeReceived(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const json = JSON.stringify(value) ?? String(value);
  return json.length <= MAX_RECEIVED_CHARS ? json : `${json.slice(0, MAX_RECEIVED_CHARS)}… (${json.length} characters)`;
}

/** One line per schema issue; checks that fail with the same text (`.int()` and `.max()` for 1e308) give one line. */
export function describeIssues(input: unknown, issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return [...new Set(issues.map((issue) => describeIssue(input, issue, prefix)))];
}

/** Defaults that depend on other settings (the compliance profile, task.cpu, the app's protocol and port), applied where the input left a setting unset. */
function resolveProfileDefaults(c: ParsedConfig): AppConfig {
  const controlTower = c.compliance === 'control-tower';
  const retention = (otherwise: number) => (controlTower ? CONTROL_TOWER_MIN_LOG_RETENTION_DAYS : otherwise);
  return {
    ...c,
    network: { ...c.network, flowLogRetentionDays: c.network.flowLogRetentionDays ?? retention(NETWORK_DEFAULTS.flowLogRetention) },
    task: {
      ...c.task,
      logRetentionDays: c.task.logRetentionDays ?? retention(HARDENED_TASK_DEFAULTS.logRetention),
      appCpuShares: c.task.appCpuShares ?? defaultContainerCpu(c.task.cpu).app,
      proxyCpuShares: c.task.proxyCpuShares ?? defaultContainerCpu(c.task.cpu).proxy,
    },
    app: { ...c.app, fastcgiTransport: fastcgiTransportOf(c.app.protocol, c.app.port, c.app.fastcgiTransport) },
    database: {
      ...c.database,
      multiAz: c.database.multiAz ?? (controlTower || DATABASE_DEFAULTS.multiAz),
      iamAuthentication: c.database.iamAuthentication ?? (controlTower || DATABASE_DEFAULTS.iamAuthentication),
    },
    hosts: {
      ...c.hosts,
      instanceType: c.hosts.instanceType ?? (controlTower ? CONTROL_TOWER_DEFAULT_INSTANCE_TYPES.instanceType : EC2_CAPACITY_DEFAULTS.instanceType),
      additionalInstanceTypes:
        c.hosts.additionalInstanceTypes ??
        (controlTower && c.hosts.instanceType === undefined ? CONTROL_TOWER_DEFAULT_INSTANCE_TYPES.additionalInstanceTypes : []),
    },
  };
}

/** What the `control-tower` profile needs of settings a user may have set. */
function controlTowerProblems(c: AppConfig): string[] {
  if (c.compliance !== 'control-tower') return [];
  const problems: string[] = [];
  const min = CONTROL_TOWER_MIN_LOG_RETENTION_DAYS;
  for (const [setting, days] of [
    ['network.flowLogRetentionDays', c.network.flowLogRetentionDays],
    ['task.logRetentionDays', c.task.logRetentionDays],
  ] as const) {
    if (days < min) {
      problems.push(`${setting}: received ${days}; expected at least ${min} with compliance "control-tower" (control CT.CLOUDWATCH.PR.2)`);
    }
  }
  const db = c.database;
  if (db.engine !== 'none') {
    const needs: [string, boolean, string][] = [
      ['database.multiAz', db.multiAz, 'true (control CT.RDS.PR.1)'],
      ['database.iamAuthentication', db.iamAuthentication, 'true (control CT.RDS.PR.7)'],
      ['database.deletionProtection', db.deletionProtection, 'true (control CT.RDS.PR.13)'],
      ['database.backupRetentionDays', db.backupRetentionDays >= 7, 'at least 7 (control CT.RDS.PR.8)'],
      ['database.monitoringIntervalSeconds', db.monitoringIntervalSeconds > 0, 'above 0 (control CT.RDS.PR.2)'],
    ];
    for (const [setting, ok, expected] of needs) {
      if (!ok) problems.push(`${setting}: received ${JSON.stringify(valueAt(c, setting.split('.')))}; expected ${expected} with compliance "control-tower"`);
    }
  }
  if (c.hosts.additionalInstanceTypes.length === 0) {
    problems.push(
      `hosts.additionalInstanceTypes: received []; expected at least one instance type besides hosts.instanceType ("${c.hosts.instanceType}") ` +
        'with compliance "control-tower" (control CT.AUTOSCALING.PR.6)',
    );
  }
  return problems;
}

/**
 * Whether the hosts can place the service. In awsvpc mode every task gets its own ENI and the
 * instance's primary ENI counts against the type's maximum, so an instance runs at most ENIs - 1
 * tasks (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-eni.html;
 * ENI trunking is not enabled here). A deployment needs room for its peak while the old tasks still
 * run, at the largest size auto scaling may reach: a rolling one starts tasks up to the service's
 * maximum percent, the other strategies a whole second revision (lib/constructs/deployment-strategy.ts).
 */
function sizingProblems(c: AppConfig, warn: (message: string) => void): string[] {
  const types = [c.hosts.instanceType, ...c.hosts.additionalInstanceTypes];
  const known = types.map((t) => ({ type: t, enis: networkInterfacesOf(t) }));
  const unknown = known.filter((k) => k.enis === undefined).map((k) => k.type);
  if (unknown.length > 0) {
    warn(
      `secure-ecs: warning: the network interface count of ${unknown.join(', ')} is not known to this project ` +
        '(lib/config/instance-network-interfaces.ts), so service sizes are not checked against hosts.maxInstances; ' +
        'check that hosts.maxInstances × (ENIs per instance - 1) covers service.maxTasks at the deployment maximum percent.',
    );
    return [];
  }
  // A mixed group may launch any of its types: the smallest decides.
  const smallest = known.reduce((a, b) => (b.enis! < a.enis! ? b : a));
  const enis = smallest.enis!;
  const perInstance = enis - 1;
  const capacity = c.hosts.maxInstances * perInstance;
  const strategy = c.service.deploymentStrategy;
  const percent = deploymentPeakPercent(strategy, SERVICE_DEPLOYMENT_MAXIMUM_PERCENT);
  const peak = Math.floor((c.service.maxTasks * percent) / 100);
  if (peak <= capacity) return [];
  const which = types.length > 1 ? `${smallest.type} (the smallest of ${types.join(', ')})` : smallest.type;
  const deployment =
    strategy === 'rolling'
      ? `a deployment at the deployment maximum percent (${percent}) runs up to ${peak} tasks`
      : `a ${strategy} deployment (service.deploymentStrategy) runs two full revisions, up to ${peak} tasks`;
  return [
    `service.maxTasks: received ${c.service.maxTasks}; ${deployment}, ` +
      `but hosts.maxInstances × tasks per instance = ${c.hosts.maxInstances} × ${perInstance} = ${capacity} ` +
      `(${which} has ${enis} ENIs per instance, the primary ENI counts, so ${perInstance} awsvpc tasks per instance); ` +
      `expected service.maxTasks at most ${Math.floor((capacity * 100) / percent)}, or more hosts.maxInstances or a larger hosts.instanceType`,
  ];
}

/** The `app` section's rules across its settings and task.appMemoryMiB. */
function appShapeProblems(c: AppConfig): string[] {
  const problems: string[] = [];
  const a = c.app;
  if (a.protocol === 'http' && a.entryPoints !== 'front-controller') {
    problems.push(
      `app.entryPoints: received "${a.entryPoints}" with app.protocol "http"; expected "front-controller" (an HTTP app routes every non-static request itself; "files" means .php scripts run by php-fpm)`,
    );
  }
  if (a.fastcgiTransport === 'unix' && a.protocol !== 'fastcgi') {
    problems.push(
      `app.fastcgiTransport: received "unix" with app.protocol "${a.protocol}"; expected "tcp" (the unix socket is php-fpm's; an HTTP app is reached over TCP at app.port)`,
    );
  }
  if (a.protocol === 'http' && a.fastcgiKeptConnections !== APP_SHAPE_DEFAULTS.fastcgiKeptConnections) {
    problems.push(
      `app.fastcgiKeptConnections: received ${a.fastcgiKeptConnections} with app.protocol "http"; expected ${APP_SHAPE_DEFAULTS.fastcgiKeptConnections} (unset): the proxy keeps FastCGI connections to php-fpm, an HTTP app gets none`,
    );
  }
  if (a.fastcgiTransport === 'unix' && a.protocol === 'fastcgi' && a.port !== APP_SHAPE_DEFAULTS.port) {
    problems.push(
      `app.port: received ${a.port} with app.fastcgiTransport "unix"; expected ${APP_SHAPE_DEFAULTS.port} (unset): php-fpm listens on the unix socket, not on a port`,
    );
  }
  const writable = a.writablePaths ?? [];
  const paths = writable.map((w) => w.path);
  for (const [i, earlier] of nestedPaths(paths)) {
    problems.push(
      `app.writablePaths.${i}.path: received ${JSON.stringify(paths[i])}; expected a path that neither contains nor lies inside app.writablePaths.${earlier}.path (${JSON.stringify(paths[earlier])})`,
    );
  }
  const total = writable.reduce((sum, w) => sum + w.sizeMiB, 0);
  const budget = writableBudgetMiB(c.task.appMemoryMiB);
  if (total > budget) {
    problems.push(
      `app.writablePaths: received sizes ${writable.map((w) => w.sizeMiB).join(' + ')} = ${total} MiB; expected at most ${Math.max(budget, 0)} MiB in all: ` +
        `tmpfs pages count against the app container's memory limit, task.appMemoryMiB (${c.task.appMemoryMiB}), which also holds /tmp (${TMP_SIZE_MIB} MiB) ` +
        `and ${APP_PROCESS_MEMORY_MIB} MiB for the app's processes; raise task.appMemoryMiB (and task.memoryMiB) or declare smaller sizes`,
    );
  }
  return problems;
}

/** Cross-field rules the schema cannot express on its own. */
function crossFieldProblems(c: AppConfig): string[] {
  const problems: string[] = [];
  const t = c.task;
  if (t.appMemoryMiB + t.proxyMemoryMiB > t.memoryMiB) {
    problems.push(
      `task.memoryMiB: received ${t.memoryMiB}; expected at least task.appMemoryMiB + task.proxyMemoryMiB = ` +
        `${t.appMemoryMiB} + ${t.proxyMemoryMiB} = ${t.appMemoryMiB + t.proxyMemoryMiB}`,
    );
  }
  if (t.appCpuShares + t.proxyCpuShares > t.cpu) {
    problems.push(`task.cpu: received ${t.cpu}; expected at least task.appCpuShares + task.proxyCpuShares = ${t.appCpuShares + t.proxyCpuShares}`);
  }
  const s = c.service;
  if (s.minTasks > s.maxTasks) {
    problems.push(`service.minTasks: received ${s.minTasks}; expected at most service.maxTasks (${s.maxTasks})`);
  }
  if (s.desiredCount < s.minTasks || s.desiredCount > s.maxTasks) {
    problems.push(`service.desiredCount: received ${s.desiredCount}; expected between service.minTasks (${s.minTasks}) and service.maxTasks (${s.maxTasks})`);
  }
  const h = c.hosts;
  if (h.minInstances > h.maxInstances) {
    problems.push(`hosts.minInstances: received ${h.minInstances}; expected at most hosts.maxInstances (${h.maxInstances})`);
  }
  if (h.controlContainer !== undefined && h.os !== 'bottlerocket') {
    problems.push(
      `hosts.controlContainer: received ${h.controlContainer} with hosts.os "${h.os}"; expected it unset, or hosts.os "bottlerocket" (only Bottlerocket has a control container)`,
    );
  }
  if (c.network.natGateways > c.network.maxAzs) {
    problems.push(`network.natGateways: received ${c.network.natGateways}; expected at most network.maxAzs (${c.network.maxAzs})`);
  }
  if (c.network.natAvailabilityMode === 'regional' && c.network.natGateways !== 1) {
    problems.push(
      `network.natGateways: received ${c.network.natGateways} with network.natAvailabilityMode "regional"; expected 1 (a regional NAT gateway is one gateway that serves every AZ)`,
    );
  }
  problems.push(...databaseProblems(c), ...persistentPathProblems(c), ...accountSettingProblems(c));
  const types: [string, string][] = [
    ['hosts.instanceType', h.instanceType],
    ...h.additionalInstanceTypes.map((t, i): [string, string] => [`hosts.additionalInstanceTypes.${i}`, t]),
  ];
  for (const [setting, type] of types) {
    const gravitonFamily = /^[a-z]+\d+g[a-z]*\./.test(type);
    if (gravitonFamily !== (h.architecture === 'arm64')) {
      problems.push(
        `${setting}: received "${type}"; expected ${h.architecture === 'arm64' ? 'a Graviton (…g…) type for architecture arm64' : 'an x86_64 type for architecture x86_64 (Graviton types need hosts.architecture "arm64")'}`,
      );
    }
  }
  if (h.additionalInstanceTypes.includes(h.instanceType) || new Set(h.additionalInstanceTypes).size !== h.additionalInstanceTypes.length) {
    problems.push(
      `hosts.additionalInstanceTypes: received ${JSON.stringify(h.additionalInstanceTypes)}; expected types that differ from each other and from hosts.instanceType`,
    );
  }
  return problems;
}

function databaseProblems(c: AppConfig): string[] {
  const d = c.database;
  if (d.maxAllocatedStorageGiB < d.allocatedStorageGiB) {
    return [`database.maxAllocatedStorageGiB: received ${d.maxAllocatedStorageGiB}; expected at least database.allocatedStorageGiB (${d.allocatedStorageGiB})`];
  }
  return [];
}

/**
 * Persistent paths overlap neither each other nor a writable path: one mount would hide the other's
 * files. Each path's own rules (absolute, apart from /tmp and the system) are the schema's, shared with
 * app.writablePaths (lib/constructs/app-shape.ts, declaredPathProblem).
 */
function persistentPathProblems(c: AppConfig): string[] {
  const writable = (c.app.writablePaths ?? []).map((w) => w.path);
  const persistent = (c.app.persistentPaths ?? []).map((p) => p.path);
  const setting = (i: number) => (i < writable.length ? `app.writablePaths.${i}.path` : `app.persistentPaths.${i - writable.length}.path`);
  const all = [...writable, ...persistent];
  return nestedPaths(all)
    .filter(([i]) => i >= writable.length)
    .map(
      ([i, earlier]) =>
        `${setting(i)}: received ${JSON.stringify(all[i])}; expected a path that neither contains nor lies inside ${setting(earlier)} (${JSON.stringify(all[earlier])})`,
    );
}

export interface ValidateConfigOptions {
  /**
   * Receives warnings: settings that are accepted but could not be fully checked.
   *
   * @default console.warn (shown by `cdk synth`)
   */
  readonly warn?: (message: string) => void;
}

/**
 * Apply defaults and validate. Throws {@link ConfigError} listing every problem at once.
 */
export function validateConfig(input: unknown, options: ValidateConfigOptions = {}): AppConfig {
  const parsed = appConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new ConfigError(describeIssues(input, parsed.error.issues));
  }
  const config = resolveProfileDefaults(parsed.data);
  const problems = [
    ...crossFieldProblems(config),
    ...appShapeProblems(config),
    ...controlTowerProblems(config),
    ...deploymentStrategyProblems(config),
    ...imageAdmissionProblems(config),
  ];
  const warn = options.warn ?? ((m: string) => console.warn(m));
  if (problems.length === 0) problems.push(...sizingProblems(config, warn));
  if (problems.length > 0) throw new ConfigError(problems);
  for (const w of imageAdmissionWarnings(config)) warn(w);
  return config;
}
