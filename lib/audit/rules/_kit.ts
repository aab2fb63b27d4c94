/**
 * What a rule is, and the few helpers rules share. Not a rule itself (the `_` prefix, as in
 * aws-cdk's `_imported-task-definition.ts`, marks it private to this folder).
 *
 * A rule is cdk-nag shaped (https://github.com/cdklabs/cdk-nag/blob/main/src/nag-rules.ts): a pure
 * function over the model that says compliant, non-compliant (with findings) or not applicable.
 * Unlike cdk-nag it sees the whole model, because some rules relate resources (a service to its
 * task definition, agent settings to the tasks that need them).
 */
import { posix } from 'node:path';
import {
  type AuditModel,
  type Container,
  type ContainerInstance,
  type Dockerfile,
  type DockerInstruction,
  type Host,
  isUnknown,
  type List,
  type Maybe,
  type Origin,
  type Severity,
  type TaskDefinition,
} from '../model';

export type Compliance = 'compliant' | 'non-compliant' | 'not-applicable';

/** One violation as a rule reports it; the engine adds the rule's id, title and severity. */
export interface RuleFinding {
  readonly resource: string;
  readonly container?: string;
  /** Names the field and value that fail. Never an environment variable's value. */
  readonly message: string;
  /** Overrides the rule's severity for this finding (TD-MNT-01: critical when read-write). */
  readonly severity?: Severity;
  readonly origin?: Origin;
  /** 1-based line inside `origin.file`, when more precise than the resource's (Dockerfile instructions). */
  readonly line?: number;
}

export interface Evaluation {
  readonly compliance: Compliance;
  readonly findings: readonly RuleFinding[];
}

export interface RuleMetadata {
  /** Catalog id, equal to the file name (test/audit/rules-index.test.ts checks). */
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  /** Benchmarks and tools that carry the same control: CIS, Security Hub, Control Tower, cdk-nag, checkov. */
  readonly sources: readonly string[];
  /** One line: what to change. */
  readonly fix: string;
  /** Which input shows it: template, task definition file, live ECS API call, Dockerfile. */
  readonly inputs: readonly ('template' | 'task-definition' | 'live' | 'dockerfile')[];
}

export interface Rule extends RuleMetadata {
  check(model: AuditModel): Evaluation;
}

/** A violation a test returns: a message, with a severity when it differs from the rule's. */
export interface Violation {
  readonly message: string;
  readonly severity?: Severity;
}

/** What a rule's test returns: nothing when compliant, else one or more messages or violations. */
export type Verdict = string | Violation | readonly (string | Violation)[] | undefined;

export const NOT_APPLICABLE: Evaluation = Object.freeze({ compliance: 'not-applicable', findings: [] });

export function evaluation(findings: readonly RuleFinding[]): Evaluation {
  return { compliance: findings.length ? 'non-compliant' : 'compliant', findings };
}

export function defineRule(rule: Rule): Rule {
  return Object.freeze(rule);
}

/**
 * A finding on a resource. When the resource was read with parameter defaults in place of `Ref`s,
 * the message says so: the verdict holds for a stack deployed with the defaults (checkov judges
 * templates the same way; docs/audit-rules.md "Peer checks").
 */
export function findingOn(
  resource: { readonly id: string; readonly origin: Origin },
  violation: Violation & { readonly container?: string; readonly line?: number },
): RuleFinding {
  const defaults = resource.origin.parameterDefaults;
  const note = defaults?.length ? ` (read with the default of parameter${defaults.length > 1 ? 's' : ''} ${defaults.join(', ')})` : '';
  return { resource: resource.id, origin: resource.origin, ...violation, message: `${violation.message}${note}` };
}

function violations(verdict: Verdict): Violation[] {
  if (verdict === undefined) return [];
  const list = (Array.isArray(verdict) ? verdict : [verdict]) as readonly (string | Violation)[];
  return list.map((v) => (typeof v === 'string' ? { message: v } : v));
}

/**
 * A rule over one kind of resource: not applicable when the model has none, else one finding per
 * message the test returns.
 */
export function resourceRule<T extends { readonly id: string; readonly origin: Origin }>(
  meta: RuleMetadata,
  select: (model: AuditModel) => readonly T[],
  test: (resource: T, model: AuditModel) => Verdict,
): Rule {
  return defineRule({
    ...meta,
    check(model) {
      const resources = select(model);
      if (resources.length === 0) return NOT_APPLICABLE;
      return evaluation(resources.flatMap((r) => violations(test(r, model)).map((v) => findingOn(r, v))));
    },
  });
}

/** A rule over task definitions (task-level fields). */
export function taskRule(meta: RuleMetadata, test: (td: TaskDefinition, model: AuditModel) => Verdict): Rule {
  return resourceRule(meta, (m) => m.taskDefinitions, test);
}

/** A rule over every container of every task definition whose container list is known. */
export function containerRule(meta: RuleMetadata, test: (container: Container, td: TaskDefinition, model: AuditModel) => Verdict): Rule {
  return defineRule({
    ...meta,
    check(model) {
      const tasks = model.taskDefinitions.filter((td) => !isUnknown(td.containers) && td.containers.length > 0);
      if (tasks.length === 0) return NOT_APPLICABLE;
      const findings: RuleFinding[] = [];
      for (const td of tasks) {
        for (const c of td.containers as readonly Container[]) {
          for (const v of violations(test(c, td, model))) findings.push(findingOn(td, { container: c.name, ...v }));
        }
      }
      return evaluation(findings);
    },
  });
}

/** The value when known, undefined when absent or unknown. */
export function known<T>(value: Maybe<T> | undefined): T | undefined {
  return value === undefined || isUnknown(value) ? undefined : value;
}

/** The known items of a list; an unknown list has none. */
export function knownItems<T>(value: List<Maybe<T>> | undefined): T[] {
  if (value === undefined || isUnknown(value)) return [];
  return value.filter((v): v is T => !isUnknown(v));
}

/** True when the list, or any item in it, is unknown: a rule that needs the whole list skips it. */
export function hasUnknown(value: List<unknown> | undefined): boolean {
  return value !== undefined && (isUnknown(value) || value.some((v) => isUnknown(v)));
}

/** `user` is `name`, `uid`, `name:group` or `uid:gid` (ECS.20's formats). */
export function splitUser(user: string): { user: string; group?: string } {
  const [u, group] = user.split(':', 2);
  return { user: u, group };
}

export const ROOT_NAMES = new Set(['root', '0']);

/** User data lines that run, without shell comments (a comment naming a setting does not set it). */
export function activeUserData(userData: string): string {
  return userData
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');
}

/**
 * An `ECS_*` agent setting the host's user data gives (`host.agentSettings`, read by
 * lib/cfn/agent-settings.ts as the local runner reads it); undefined when not set.
 */
export function agentSetting(host: Host, name: string): string | undefined {
  return host.agentSettings && Object.hasOwn(host.agentSettings, name) ? host.agentSettings[name] : undefined;
}

/** The setting is `true` or `false` (the agent parses booleans case-insensitively). */
export function agentSettingIs(host: Host, name: string, value: 'true' | 'false'): boolean {
  return agentSetting(host, name)?.toLowerCase() === value;
}

/**
 * A rule on the ECS agent and host configuration: offline it reads the user data of launch
 * templates/configurations that start ECS container instances; live it reads the attributes each
 * container instance registered (DescribeContainerInstances), which is how the agent's settings
 * show through the ECS API (catalog §2.5). Hosts whose user data is an unresolved intrinsic are skipped.
 */
export function agentRule(
  meta: RuleMetadata,
  tests: {
    readonly userData?: (userData: string, host: Host, model: AuditModel) => Verdict;
    /**
     * Bottlerocket hosts (TOML settings, no script): a rule without this test does not apply to
     * them, since what it looks for in a script (auditd rules, daemon.json) has no place there.
     */
    readonly bottlerocket?: (settings: Readonly<Record<string, unknown>>, host: Host, model: AuditModel) => Verdict;
    readonly instance?: (instance: ContainerInstance, model: AuditModel) => Verdict;
  },
): Rule {
  return defineRule({
    ...meta,
    check(model) {
      const hosts = model.hosts.filter((h) => h.ecs && (h.bottlerocket ? tests.bottlerocket : tests.userData));
      const instances = tests.instance ? model.containerInstances : [];
      if (hosts.length === 0 && instances.length === 0) return NOT_APPLICABLE;
      const findings: RuleFinding[] = [];
      for (const host of hosts) {
        if (isUnknown(host.userData)) continue;
        const verdict = host.bottlerocket ? tests.bottlerocket!(host.bottlerocket, host, model) : tests.userData!(host.userData ?? '', host, model);
        for (const v of violations(verdict)) findings.push(findingOn(host, v));
      }
      for (const instance of instances) {
        for (const v of violations(tests.instance!(instance, model))) findings.push(findingOn(instance, v));
      }
      return evaluation(findings);
    },
  });
}

/** A rule over Dockerfiles; each finding can point at the instruction's line. */
export function dockerfileRule(meta: RuleMetadata, test: (dockerfile: Dockerfile) => readonly { readonly message: string; readonly line?: number }[]): Rule {
  return defineRule({
    ...meta,
    check(model) {
      if (model.dockerfiles.length === 0) return NOT_APPLICABLE;
      return evaluation(model.dockerfiles.flatMap((df) => test(df).map((f) => ({ resource: df.id, origin: df.origin, message: f.message, line: f.line }))));
    },
  });
}

/** The instructions of the final build stage: what the image that runs is made of. */
export function finalStage(dockerfile: Dockerfile): readonly DockerInstruction[] {
  const lastFrom = dockerfile.instructions.map((i) => i.keyword).lastIndexOf('FROM');
  return dockerfile.instructions.slice(Math.max(lastFrom, 0));
}

/** Any container in the model is in host network mode (AG-IMDS-03 asks whether any task needs it). */
export function anyHostNetworkTask(model: AuditModel): boolean {
  return model.taskDefinitions.some((td) => td.networkMode === 'host');
}

/** The host paths a container mounts (bind mounts of `host.sourcePath` volumes), normalized. */
export function hostMounts(container: Container, td: TaskDefinition): { path: string; volume: string; readOnly: boolean }[] {
  const volumes = td.volumes === undefined || isUnknown(td.volumes) ? [] : td.volumes;
  const mounts = container.mountPoints === undefined || isUnknown(container.mountPoints) ? [] : container.mountPoints;
  return mounts.flatMap((m) => {
    const volume = volumes.find((v) => v.name === m.sourceVolume);
    const source = volume ? known(volume.hostSourcePath) : undefined;
    if (source === undefined || source === '') return [];
    return [{ path: posix.normalize(source).replace(/(.)\/$/, '$1'), volume: String(m.sourceVolume), readOnly: m.readOnly === true }];
  });
}

/** `MetadataOptions.HttpEndpoint: disabled`: the host has no IMDS at all, v1 or v2. */
export function imdsDisabled(host: Host): boolean {
  return typeof host.httpEndpoint === 'string' && host.httpEndpoint.toLowerCase() === 'disabled';
}

/** `path` is `dir` or inside it. */
export function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}
