/**
 * The automated container and image checks of the CIS Docker Benchmark v1.6, sections 4 and 5,
 * implemented as Docker's own implementation does them (docker/docker-bench-security, tests/4_*.sh
 * and tests/5_*.sh; each check below names its function there), over the Docker Engine API's inspect
 * documents instead of `docker inspect --format` text. Pure: facts in, findings out.
 *
 * Where docker-bench reads something else than the container (4.5: the client's
 * DOCKER_CONTENT_TRUST; 5.1: the daemon's swarm mode) or only prints a note (4.2-4.4, 4.8,
 * 4.10-4.12, 5.23, 5.24, 5.28), there is no check here. Three checks are stricter than the script, and
 * say so: 4.1 (a `0:0` user is root too), 5.14 (an empty host address or `::` listens on every
 * interface too) and 5.26 (no-new-privileges on every container, not only through the daemon's
 * default, which docker-bench also accepts).
 */

import { capabilityName } from '../../lib/audit/rules/TD-CAP-02';
// check_5_4 strips Docker's default capabilities from CapAdd (the audit's TD-CAP-03 follows it too); anything left is a warning.
import { DOCKER_DEFAULT_CAPABILITIES } from '../../lib/audit/rules/TD-CAP-03';

export type Level = 'WARN' | 'INFO';

export interface Finding {
  /** The benchmark's id, e.g. 5.11. */
  readonly id: string;
  readonly level: Level;
  /** A container name or an image reference. */
  readonly subject: string;
  readonly detail: string;
}

export interface ContainerFacts {
  readonly name: string;
  /** GET /containers/{id}/json */
  readonly inspect: any;
  /** Command lines of its processes (GET /containers/{id}/top). */
  readonly processes: readonly string[];
}

export interface ImageFacts {
  readonly ref: string;
  /** GET /images/{name}/json */
  readonly inspect: any;
  /** `CreatedBy` of each layer, newest first (GET /images/{name}/history). */
  readonly history: readonly string[];
}

type Check<T> = { id: string; level: Level; fn: string; finding: (x: T) => string | undefined };

/** check_5_6's sensitive_dirs. */
const SENSITIVE_DIRS = new Set(['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr']);

const hostBindings = (c: any): { ip: string; port: number }[] =>
  Object.values((c.NetworkSettings?.Ports ?? {}) as Record<string, { HostIp: string; HostPort: string }[] | null>).flatMap((list) =>
    (list ?? []).map((b) => ({ ip: b.HostIp, port: Number(b.HostPort) })),
  );
const mounts = (c: any): any[] => c.Mounts ?? [];
const securityOpt = (c: any): string[] => c.HostConfig?.SecurityOpt ?? [];
const isHost = (mode: string | undefined) => mode === 'host';
const list = (xs: string[]) => (xs.length ? xs.join(' ') : undefined);

const CONTAINER_CHECKS: Check<ContainerFacts>[] = [
  {
    id: '4.1',
    level: 'WARN',
    fn: 'check_4_1',
    finding: ({ inspect: c }) => (['', '0', 'root'].includes(String(c.Config?.User ?? '').split(':')[0]) ? 'runs as root' : undefined),
  },
  {
    id: '5.2',
    level: 'WARN',
    fn: 'check_5_2',
    finding: ({ inspect: c }) => (['', 'unconfined'].includes(c.AppArmorProfile ?? '') ? 'no AppArmor profile' : undefined),
  },
  { id: '5.3', level: 'WARN', fn: 'check_5_3', finding: ({ inspect: c }) => (securityOpt(c).length ? undefined : 'no security options') },
  {
    id: '5.4',
    level: 'WARN',
    fn: 'check_5_4',
    finding: ({ inspect: c }) => list(((c.HostConfig?.CapAdd ?? []) as string[]).map(capabilityName).filter((x) => !DOCKER_DEFAULT_CAPABILITIES.has(x))),
  },
  { id: '5.5', level: 'WARN', fn: 'check_5_5', finding: ({ inspect: c }) => (c.HostConfig?.Privileged ? 'privileged' : undefined) },
  {
    id: '5.6',
    level: 'WARN',
    fn: 'check_5_6',
    finding: ({ inspect: c }) =>
      list(
        mounts(c)
          .filter((m) => m.RW && (SENSITIVE_DIRS.has(m.Source) || SENSITIVE_DIRS.has(m.Destination)))
          .map((m) => m.Source),
      ),
  },
  // check_5_7 runs `ps -el` inside; the daemon's process list needs no ps in the image.
  { id: '5.7', level: 'WARN', fn: 'check_5_7', finding: ({ processes }) => (processes.some((p) => p.includes('sshd')) ? 'runs sshd' : undefined) },
  {
    id: '5.8',
    level: 'WARN',
    fn: 'check_5_8',
    finding: ({ inspect: c }) =>
      list(
        hostBindings(c)
          .filter((b) => b.port < 1025)
          .map((b) => String(b.port)),
      ),
  },
  { id: '5.9', level: 'WARN', fn: 'check_5_9', finding: ({ inspect: c }) => list(hostBindings(c).map((b) => `${b.ip}:${b.port}`)) },
  { id: '5.10', level: 'WARN', fn: 'check_5_10', finding: ({ inspect: c }) => (isHost(c.HostConfig?.NetworkMode) ? 'host network' : undefined) },
  { id: '5.11', level: 'WARN', fn: 'check_5_11', finding: ({ inspect: c }) => (c.HostConfig?.Memory ? undefined : 'no memory limit') },
  {
    id: '5.12',
    level: 'WARN',
    fn: 'check_5_12',
    finding: ({ inspect: c }) => (c.HostConfig?.CpuShares || c.HostConfig?.NanoCpus ? undefined : 'no CPU shares or CPUs'),
  },
  { id: '5.13', level: 'WARN', fn: 'check_5_13', finding: ({ inspect: c }) => (c.HostConfig?.ReadonlyRootfs ? undefined : 'writable root filesystem') },
  {
    id: '5.14',
    level: 'WARN',
    fn: 'check_5_14',
    finding: ({ inspect: c }) =>
      list(
        hostBindings(c)
          .filter((b) => ['0.0.0.0', '', '::'].includes(b.ip))
          .map((b) => `${b.ip || '*'}:${b.port}`),
      ),
  },
  {
    id: '5.15',
    level: 'WARN',
    fn: 'check_5_15',
    finding: ({ inspect: c }) => ((c.HostConfig?.RestartPolicy?.MaximumRetryCount ?? 0) > 5 ? 'more than 5 restarts on failure' : undefined),
  },
  { id: '5.16', level: 'WARN', fn: 'check_5_16', finding: ({ inspect: c }) => (isHost(c.HostConfig?.PidMode) ? 'host PID namespace' : undefined) },
  { id: '5.17', level: 'WARN', fn: 'check_5_17', finding: ({ inspect: c }) => (isHost(c.HostConfig?.IpcMode) ? 'host IPC namespace' : undefined) },
  { id: '5.18', level: 'INFO', fn: 'check_5_18', finding: ({ inspect: c }) => list((c.HostConfig?.Devices ?? []).map((d: any) => d.PathOnHost)) },
  { id: '5.19', level: 'INFO', fn: 'check_5_19', finding: ({ inspect: c }) => (c.HostConfig?.Ulimits?.length ? undefined : 'no ulimit override') },
  {
    id: '5.20',
    level: 'WARN',
    fn: 'check_5_20',
    finding: ({ inspect: c }) =>
      list(
        mounts(c)
          .filter((m) => String(m.Propagation ?? '').includes('shared'))
          .map((m) => m.Destination),
      ),
  },
  { id: '5.21', level: 'WARN', fn: 'check_5_21', finding: ({ inspect: c }) => (isHost(c.HostConfig?.UTSMode) ? 'host UTS namespace' : undefined) },
  {
    id: '5.22',
    level: 'WARN',
    fn: 'check_5_22',
    finding: ({ inspect: c }) => (securityOpt(c).some((o) => /seccomp[:=]unconfined/.test(o)) ? 'seccomp unconfined' : undefined),
  },
  { id: '5.25', level: 'WARN', fn: 'check_5_25', finding: ({ inspect: c }) => c.HostConfig?.CgroupParent || undefined },
  {
    id: '5.26',
    level: 'WARN',
    fn: 'check_5_26',
    finding: ({ inspect: c }) => (securityOpt(c).some((o) => o.startsWith('no-new-privileges')) ? undefined : 'may acquire new privileges'),
  },
  { id: '5.27', level: 'WARN', fn: 'check_5_27', finding: ({ inspect: c }) => (c.State?.Health ? undefined : 'no health check') },
  { id: '5.29', level: 'WARN', fn: 'check_5_29', finding: ({ inspect: c }) => ((c.HostConfig?.PidsLimit ?? 0) > 0 ? undefined : 'no PIDs limit') },
  // check_5_30 lists the containers on the network whose bridge is docker0: Docker's default "bridge".
  { id: '5.30', level: 'INFO', fn: 'check_5_30', finding: ({ inspect: c }) => (c.NetworkSettings?.Networks?.bridge ? 'docker0' : undefined) },
  {
    id: '5.31',
    level: 'WARN',
    fn: 'check_5_31',
    finding: ({ inspect: c }) => (/host/i.test(c.HostConfig?.UsernsMode ?? '') ? 'host user namespace' : undefined),
  },
  {
    id: '5.32',
    level: 'WARN',
    fn: 'check_5_32',
    finding: ({ inspect: c }) =>
      list(
        mounts(c)
          .filter((m) => `${m.Source} ${m.Destination}`.includes('docker.sock'))
          .map((m) => m.Source),
      ),
  },
];

const IMAGE_CHECKS: Check<ImageFacts>[] = [
  { id: '4.6', level: 'WARN', fn: 'check_4_6', finding: ({ inspect: i }) => (i.Config?.Healthcheck ? undefined : 'no HEALTHCHECK') },
  // check_4_7 greps `docker history` for "update"; it cannot tell `apt-get update && apt-get install` from an update alone.
  { id: '4.7', level: 'INFO', fn: 'check_4_7', finding: ({ history }) => (history.some((l) => l.includes('update')) ? 'update in the history' : undefined) },
  // check_4_9 drops the oldest layer (the base image's own ADD) and greps the rest for ADD.
  {
    id: '4.9',
    level: 'INFO',
    fn: 'check_4_9',
    finding: ({ history }) => (history.slice(0, -1).some((l) => l.includes('ADD')) ? 'ADD in the history' : undefined),
  },
];

/** The benchmark ids this module checks, with the docker-bench function each follows. */
export const CHECKED = [...IMAGE_CHECKS, ...CONTAINER_CHECKS].map(({ id, level, fn }) => ({ id, level, fn }));

/** Every finding over the task's containers and images, in benchmark order. */
export function cisFindings(containers: readonly ContainerFacts[], images: readonly ImageFacts[]): Finding[] {
  const run = <T>(checks: Check<T>[], subjects: readonly T[], nameOf: (x: T) => string) =>
    checks.flatMap(({ id, level, finding }) =>
      subjects.flatMap((s) => {
        const detail = finding(s);
        return detail === undefined ? [] : [{ id, level, subject: nameOf(s), detail }];
      }),
    );
  return [...run(IMAGE_CHECKS, images, (i) => i.ref), ...run(CONTAINER_CHECKS, containers, (c) => c.name)];
}

/** The ids docker-bench-security printed as `[WARN] <id> - ...` (its text output, colours off with -b). */
export function benchWarnings(output: string): string[] {
  return [...new Set([...output.matchAll(/^\[WARN\] (\d+\.\d+) - /gm)].map((m) => m[1]))];
}
