/**
 * The stand-in database, its internal network and the task's volumes on podman (CLI arguments and
 * calls). `podman network create --internal` gives a bridge without a gateway: no route out and no
 * address of the host on it. The stand-in's secrets are podman secrets of type env carrying the
 * task's label (so `down` removes them with the task's own), never argv.
 * https://docs.podman.io/en/v4.3/markdown/podman-network-create.1.html
 */
import type { StandinSpec } from '../../standin/standin-spec';
import type { VolumeSpec } from '../../spec';
import { LocalStepError } from '../../errors';
import { volumeOwnerRun, VOLUME_MOUNT } from '../volume-owner';
import type { Podman } from './cli';
import { runOnce } from './streams';
import { DEFAULT_NETWORK } from './args';

/** The podman secret holding one of the stand-in's secret variables. */
export const standinSecretName = (spec: StandinSpec, envName: string) => `${spec.engineName}-${envName.toLowerCase().replace(/_/g, '-')}`;

/** Arguments after `podman create` for the stand-in. Pure. */
export function podmanStandinArgs(spec: StandinSpec): string[] {
  const a = ['--name', spec.engineName, ...Object.entries(spec.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`])];
  // Also on podman's default network, where the task's pod reaches it (args.ts, podmanPodArgs).
  a.push('--network', spec.network, '--network', DEFAULT_NETWORK, '--network-alias', spec.alias);
  a.push('--user', spec.user, '--read-only', '--read-only-tmpfs=false', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges');
  // podman 4.3 has no uid=/gid= tmpfs options: `U` gives the mount point to the container's user instead (podman-run(1), --tmpfs).
  for (const [p, opts] of Object.entries(spec.tmpfs)) {
    const kept = opts.split(',').filter((o) => !/^(uid|gid)=/.test(o));
    a.push('--tmpfs', `${p}:${[...kept, 'U', 'notmpcopyup'].join(',')}`);
  }
  a.push('--mount', `type=volume,source=${spec.volume},target=${spec.dataDir}`);
  a.push('--memory', `${spec.memoryMiB}m`, '--pids-limit', String(spec.pidsLimit));
  for (const [k, v] of Object.entries(spec.env)) a.push('--env', `${k}=${v}`);
  for (const name of spec.secretEnv) a.push('--secret', `${standinSecretName(spec, name)},type=env,target=${name}`);
  a.push('--no-healthcheck', '--pull', 'never', '--cgroups', 'no-conmon');
  return [...a, spec.image];
}

export async function createPodmanStandin(podman: Podman, spec: StandinSpec, secretEnv: ReadonlyMap<string, string>, labelKey: string): Promise<void> {
  for (const name of spec.secretEnv) {
    const value = secretEnv.get(name);
    if (value === undefined) throw new Error(`no value for the stand-in's ${name}`);
    await podman.createSecret('create the stand-in secrets', standinSecretName(spec, name), value, { [labelKey]: spec.labels[labelKey] });
  }
  await podman.ok(`create ${spec.engineName}`, ['create', ...podmanStandinArgs(spec)]);
}

/** Create the internal network unless it exists; resolves with its IPv4 subnet. */
export async function createPodmanNetwork(podman: Podman, name: string, labels: Record<string, string>): Promise<{ subnet: string }> {
  if ((await podman.run(['network', 'exists', name])).code !== 0)
    await podman.ok('create the network', ['network', 'create', '--internal', ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]), name]);
  const doc = JSON.parse(await podman.ok('inspect the network', ['network', 'inspect', name])) as any[];
  const subnet = (doc[0]?.subnets ?? []).map((s: any) => s.subnet).find((s: unknown) => typeof s === 'string' && !s.includes(':'));
  if (!subnet) throw new LocalStepError('create the network', `podman network ${name} has no IPv4 subnet`);
  return { subnet };
}

export async function ensurePodmanVolume(
  podman: Podman,
  volume: VolumeSpec,
  labels: Record<string, string>,
  helperImage: string,
): Promise<{ created: boolean }> {
  const labelArgs = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  if (volume.scope === 'task') {
    // A task-scoped volume is the task's own (translate/docker-volumes.ts): one left by an earlier
    // task of this name (a runner that died) is removed, never reused. Not --force: that would also
    // remove containers using it.
    if ((await podman.run(['volume', 'exists', volume.name])).code === 0)
      await podman.ok('remove the earlier task-scoped volume', ['volume', 'rm', volume.name]);
    // podman's local driver takes the same options as Docker's (type, device, o: mount(8) options),
    // and mounts the volume when a container using it starts.
    const opts = Object.entries(volume.driverOpts ?? {}).flatMap(([k, v]) => ['--opt', `${k}=${v}`]);
    await podman.ok('create a volume', ['volume', 'create', '--driver', volume.driver ?? 'local', ...opts, ...labelArgs, volume.name]);
    return { created: true };
  }
  if ((await podman.run(['volume', 'exists', volume.name])).code === 0) return { created: false };
  await podman.ok('create a volume', ['volume', 'create', ...labelArgs, volume.name]);
  if (volume.owner) {
    const r = await runOnce(podman, volumeOwnerRun({ ...volume, owner: volume.owner }, helperImage, labels, `${volume.name}:${VOLUME_MOUNT}`));
    if (r.code !== 0) throw new LocalStepError(`volume ${volume.name}`, `setting its owner failed (exit ${r.code}): ${r.output.trim().split('\n').pop()}`);
  }
  return { created: true };
}

/**
 * Remove the networks or volumes carrying the label and every one of `more`. podman 4.3 ORs repeated
 * label filters of `volume ls` (measured: two filters listed a volume carrying one of them), so only
 * the first filters and the others are checked on each one's labels.
 */
export async function removePodmanLabelled(podman: Podman, kind: 'network' | 'volume', label: string, ...more: string[]): Promise<string[]> {
  const r = await podman.run([kind, 'ls', '--filter', `label=${label}`, '--format', 'json']);
  // Volumes' documents say Name and Labels, networks' name and labels.
  const listed = (r.code === 0 && r.stdout.trim() ? JSON.parse(r.stdout) : []) as Record<string, any>[];
  const carriesAll = (labels: Record<string, string> = {}) => more.every((l) => labels[l.slice(0, l.indexOf('='))] === l.slice(l.indexOf('=') + 1));
  const names = listed.filter((d) => carriesAll(d.Labels ?? d.labels)).map((d) => String(d.Name ?? d.name));
  const removed: string[] = [];
  for (const name of names) {
    if ((await podman.run([kind, 'rm', name])).code === 0) removed.push(`${kind} ${name}`);
  }
  return removed;
}
