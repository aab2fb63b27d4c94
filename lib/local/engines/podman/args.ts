/**
 * Render the engine-neutral task (spec.ts) as `podman pod create` and `podman create`
 * arguments. Pure; unit-tested in test/local/. A pod is podman's form of an awsvpc task: one network
 * namespace (its infra container's) for every container, and one cgroup carrying the task limits.
 * https://docs.podman.io/en/v4.3/markdown/podman-create.1.html
 */
import type { ContainerSpec, TaskSpec } from '../../spec';
import { shellQuote } from '../../host/shell-quote';

/**
 * `--health-cmd` text that podman 4.3 turns into exactly the template's test. Its parser
 * (pkg/specgenutil makeHealthCheckFromCli): a JSON array of 2+ strings becomes `["CMD", ...]`;
 * "CMD x" is split on whitespace; "CMD-SHELL rest" keeps `rest` as one string. The runner reads the
 * result back with `podman inspect` and reports any mismatch.
 */
export function healthCmdArg(test: string[]): { arg: string; exact: boolean } {
  const [kind, ...rest] = test;
  if (kind === 'CMD-SHELL') return { arg: `CMD-SHELL ${rest.join(' ')}`, exact: rest.length === 1 };
  if (rest.length >= 2) return { arg: JSON.stringify(rest), exact: true };
  if (rest.length === 1 && !/\s/.test(rest[0])) return { arg: `CMD ${rest[0]}`, exact: true };
  // One argument with blanks: only expressible through a shell.
  return { arg: `CMD-SHELL exec ${shellQuote(rest[0] ?? 'false')}`, exact: false };
}

/** podman's default network (podman-network(1)), where the pod publishes its ports. */
export const DEFAULT_NETWORK = 'podman';

/** The pod's infra container: the owner of the task's network namespace (Docker's pause container). */
export const infraName = (task: Pick<TaskSpec, 'name'>) => `${task.name}-infra`;

const labelArgs = (labels: Record<string, string>) => Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);

/** Arguments after `podman pod create`: the task's network namespace (the infra container) and cgroup. */
export function podmanPodArgs(task: TaskSpec, opts: { limits: boolean } = { limits: true }): string[] {
  const args = ['--name', task.name, ...labelArgs(task.labels), '--infra-name', infraName(task)];
  if (opts.limits && task.cpuUnits !== undefined) args.push('--cpus', String(task.cpuUnits / 1024));
  if (opts.limits && task.memoryMiB !== undefined) args.push('--memory', `${task.memoryMiB}m`);
  // awsvpc shares only the network namespace between a task's containers; PID and IPC only when the
  // task asks (PidMode/IpcMode "task"). podman's default would also share ipc and uts.
  args.push('--share', ['net', ...task.share].join(','));
  // With the stand-in database the pod stays on podman's default network only, named explicitly
  // (rootless podman would otherwise give the pod slirp4netns, where the stand-in is unreachable). Not
  // the stand-in's internal network as well: podman 4.3's CNI writes one port-forwarding rule per
  // network of the pod, and when the internal network's rule wins, the published port forwards to the
  // pod's address there, which the host has no route to (measured: 4 failed runs of 5). The stand-in
  // joins the default network too, and the pod finds its host name (the one its TLS certificate is
  // issued for) at its address there in /etc/hosts (create-task.ts).
  // https://github.com/containernetworking/plugins/tree/main/plugins/meta/portmap
  if (task.network) args.push('--network', DEFAULT_NETWORK);
  for (const p of task.publish) args.push('--publish', `${p.hostIp}:${p.hostPort}:${p.containerPort}/${p.protocol}`);
  for (const [k, v] of Object.entries(task.sysctls)) args.push('--sysctl', `${k}=${v}`);
  for (const d of task.dns) args.push('--dns', d);
  for (const d of task.dnsSearch) args.push('--dns-search', d);
  for (const h of task.extraHosts) args.push('--add-host', h);
  return args;
}

/**
 * Arguments after `podman create`, ending with the image and the command. `measurementCpuset` is the
 * task's TaskSpec.measurementCpuset (the bench's only; ECS has no cpuset): on each container, not on
 * the pod, because podman 4.3's `pod create --cpuset-cpus 1` with a fractional `--cpus` (task CPU 256
 * or 512) gave the pod cgroup cpuset 0-0 instead (measured on this project's Debian 12 host, cgroup
 * v1, cgroupfs); with `--cpus 1` it read 1. The bench reads every container's cpuset back.
 */
export function podmanCreateArgs(c: ContainerSpec, podName: string, measurementCpuset?: string): string[] {
  const a: string[] = ['--name', c.engineName, '--pod', podName, ...labelArgs(c.labels)];
  if (c.cpuShares !== undefined) a.push('--cpu-shares', String(c.cpuShares));
  if (measurementCpuset !== undefined) a.push('--cpuset-cpus', measurementCpuset);
  if (c.memoryMiB !== undefined) a.push('--memory', `${c.memoryMiB}m`);
  if (c.memoryReservationMiB !== undefined) a.push('--memory-reservation', `${c.memoryReservationMiB}m`);
  if (c.memorySwapMiB !== undefined) a.push('--memory-swap', `${c.memorySwapMiB}m`);
  if (c.swappiness !== undefined) a.push('--memory-swappiness', String(c.swappiness));
  if (c.shmSizeMiB !== undefined) a.push('--shm-size', `${c.shmSizeMiB}m`);
  for (const [k, v] of Object.entries(c.env)) a.push('--env', `${k}=${v}`);
  // type=env: podman sets the variable at start; the value is in neither argv nor `podman inspect`.
  for (const s of c.secrets) a.push('--secret', `${s.secretId},type=env,target=${s.envName}`);
  a.push('--stop-timeout', String(c.stopTimeoutS));
  if (c.hostname) a.push('--hostname', c.hostname);
  if (c.user) a.push('--user', c.user);
  if (c.workingDir) a.push('--workdir', c.workingDir);
  if (c.privileged) a.push('--privileged');
  // --read-only-tmpfs=false: podman would otherwise mount writable tmpfs on /run, /tmp and /var/tmp,
  // which Docker (and so ECS) does not; only the template's Tmpfs mounts may be writable.
  if (c.readOnlyRootfs) a.push('--read-only', '--read-only-tmpfs=false');
  for (const o of c.securityOpt) a.push('--security-opt', o);
  if (c.interactive) a.push('--interactive');
  if (c.tty) a.push('--tty');
  for (const u of c.ulimits) a.push('--ulimit', `${u.name}=${u.soft}:${u.hard}`);
  if (c.health) {
    const h = c.health;
    a.push(
      '--health-cmd',
      healthCmdArg(h.test).arg,
      '--health-interval',
      `${h.intervalS}s`,
      '--health-timeout',
      `${h.timeoutS}s`,
      '--health-retries',
      String(h.retries),
      '--health-start-period',
      `${h.startPeriodS}s`,
    );
  } else {
    // ECS monitors only the task definition's health check, never an image's HEALTHCHECK
    // (task_definition_parameters.html#container_definition_healthcheck), so neither does the runner.
    a.push('--no-healthcheck');
  }
  for (const [k, v] of Object.entries(c.sysctls)) a.push('--sysctl', `${k}=${v}`);
  // notmpcopyup: podman copies the image's directory into a --tmpfs by default; Docker (and so ECS)
  // mounts it empty. Without this a file baked into /tmp would exist locally and not on ECS.
  for (const [p, opts] of Object.entries(c.tmpfs)) a.push('--tmpfs', `${p}:${[...opts, 'notmpcopyup'].join(',')}`);
  // `ro`, not `readonly`: podman 4.3 refuses `readonly` for a named volume ("readonly: invalid mount
  // option"; it takes it for a bind mount only), and takes `ro` for both.
  // A read-write bind of a volume keeps the flags of the volume's own mount under Docker (so on ECS),
  // while podman binds it `nosuid,nodev` and exec (measured, podman 4.3): name the volume's flags.
  // A read-only bind loses them under Docker too (a remount with `ro` alone), so none are added there.
  for (const m of c.mounts ?? []) {
    const flags = !m.readOnly && m.volumeFlags?.length ? `,${m.volumeFlags.join(',')}` : '';
    a.push('--mount', `type=${m.kind},source=${m.source},target=${m.target}${m.readOnly ? ',ro' : ''}${flags}`);
  }
  for (const cap of c.capDrop) a.push('--cap-drop', cap);
  for (const cap of c.capAdd) a.push('--cap-add', cap);
  for (const d of c.devices) a.push('--device', `${d.hostPath}:${d.containerPath}${d.permissions ? `:${d.permissions}` : ''}`);
  if (c.init) a.push('--init');
  // Runner-wide choices that make the container behave as under Docker on an ECS host:
  // --cgroupns=private as Docker on cgroup v2 hosts (AL2023), so the container sees only its own cgroup;
  // --pull=never because the image was just built or checked;
  // --cgroups=no-conmon keeps podman's conmon (the container's and every `podman exec` / healthcheck
  // session's) in the runner's cgroup instead of a `conmon` sub-cgroup of the pod (podman-create(1),
  // --cgroups). On ECS the container's supervisor (containerd-shim) is outside the task cgroup, so a
  // conmon inside it charged the local task about 14 ms of CPU per health-check probe that a
  // deployed task never pays: more than half the 25 ms per 100 ms quota of task.cpu 256
  // (docs/benchmarks/podman/README.md, "Health-check probes").
  a.push('--cgroupns', 'private', '--pull', 'never', '--cgroups', 'no-conmon');
  if (c.entrypoint) a.push('--entrypoint', JSON.stringify(c.entrypoint));
  return [...a, c.image, ...(c.command ?? [])];
}
