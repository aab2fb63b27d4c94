/**
 * The stand-in database, its internal network and the task's volumes on Docker (Engine API bodies).
 * The network is `Internal` (no route out, no NAT) and, with `com.docker.network.bridge.inhibit_ipv4`,
 * the bridge gets no address of the host: measured on Docker 20.10, a container on an internal
 * network without it still reaches every listener of the host through the bridge's gateway address.
 * https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Network/operation/NetworkCreate
 */
import type Docker from 'dockerode';
import type { ContainerCreateOptions } from 'dockerode';
import type { StandinSpec } from '../../standin/standin-spec';
import type { VolumeSpec } from '../../spec';
import { volumeOwnerRun, VOLUME_MOUNT } from '../volume-owner';
import { statusCode } from './daemon-errors';
import { createContainer, runOnce } from './streams';
import { ROLE_LABEL_KEY } from '../../labels';
import { pauseName } from '../container-engine';
import type { PublishedPort, TaskSpec } from '../../spec';
import { LocalStepError } from '../../errors';

const MiB = 1024 * 1024;

/** The stand-in's create body: its own namespaces, the task's network only, the data volume. Pure. */
export function dockerStandinBody(spec: StandinSpec, secretEnv: ReadonlyMap<string, string>): ContainerCreateOptions {
  const env = Object.entries(spec.env).map(([k, v]) => `${k}=${v}`);
  for (const name of spec.secretEnv) {
    const value = secretEnv.get(name);
    if (value === undefined) throw new Error(`no value for the stand-in's ${name}`);
    env.push(`${name}=${value}`);
  }
  return {
    name: spec.engineName,
    Image: spec.image,
    User: spec.user,
    Env: env,
    Labels: spec.labels,
    Healthcheck: { Test: ['CMD', ...spec.healthCmd], Interval: 2e9, Timeout: 5e9, Retries: 3, StartPeriod: 60e9 },
    HostConfig: {
      NetworkMode: spec.network,
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Tmpfs: spec.tmpfs,
      Mounts: [{ Type: 'volume', Source: spec.volume, Target: spec.dataDir }],
      Memory: spec.memoryMiB * MiB,
      PidsLimit: spec.pidsLimit,
      RestartPolicy: { Name: 'no' },
    },
    NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: [spec.alias] } } },
  };
}

/** Create the internal network unless it exists; resolves with its IPv4 subnet. */
export async function createDockerNetwork(docker: Docker, name: string, labels: Record<string, string>): Promise<{ subnet: string }> {
  const subnetOf = async () => {
    const subnet = ((await docker.getNetwork(name).inspect()).IPAM?.Config ?? [])
      .map((c: { Subnet?: string }) => c.Subnet)
      .find((s?: string) => s && !s.includes(':'));
    if (!subnet) throw new LocalStepError('create the network', `Docker network ${name} has no IPv4 subnet`);
    return { subnet: subnet as string };
  };
  if ((await docker.listNetworks({ filters: { name: [name] } })).some((n) => n.Name === name)) return subnetOf();
  await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    Internal: true,
    CheckDuplicate: true,
    Labels: labels,
    Options: { 'com.docker.network.bridge.inhibit_ipv4': 'true' },
  });
  return subnetOf();
}

/** The relay's own bounds: socat forks one process per connection. */
const RELAY_LIMITS = { memoryMiB: 64, pids: 256 } as const;

/**
 * An ingress relay for one published port, the ALB's place: its own container, outside the task,
 * publishing the port on 127.0.0.1 from Docker's default bridge and forwarding each connection with
 * socat to the task's pause container over the internal network, hardened like the stand-in. Pure.
 */
export function dockerIngressBody(task: TaskSpec, p: PublishedPort, image: string): ContainerCreateOptions {
  const port = `${p.containerPort}/${p.protocol}`;
  return {
    name: `${task.name}-ingress-${p.containerPort}`,
    Image: image,
    User: '999:999',
    Entrypoint: ['socat'],
    Cmd: [`TCP-LISTEN:${p.containerPort},fork,reuseaddr`, `TCP:${pauseName(task)}:${p.containerPort}`],
    Labels: { ...task.labels, [ROLE_LABEL_KEY]: 'ingress' },
    ExposedPorts: { [port]: {} },
    Healthcheck: { Test: ['NONE'] },
    HostConfig: {
      NetworkMode: 'bridge',
      PortBindings: { [port]: [{ HostIp: p.hostIp, HostPort: String(p.hostPort) }] },
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Memory: RELAY_LIMITS.memoryMiB * MiB,
      PidsLimit: RELAY_LIMITS.pids,
      RestartPolicy: { Name: 'no' },
    },
  };
}

/** Create, connect to the task's internal network and start one relay per published port. */
export async function startIngressRelays(docker: Docker, task: TaskSpec, onLine: (l: string) => void): Promise<void> {
  for (const p of task.publish) {
    if (p.protocol !== 'tcp') throw new LocalStepError('create the ingress relay', `${p.containerPort}/${p.protocol}: the relay forwards TCP only`);
    const body = dockerIngressBody(task, p, task.network!.relayImage);
    onLine(`ingress relay ${body.name}`);
    const c = await createContainer(docker, body);
    await docker.getNetwork(task.network!.name).connect({ Container: body.name });
    await c.start();
  }
}

export async function ensureDockerVolume(
  docker: Docker,
  volume: VolumeSpec,
  labels: Record<string, string>,
  helperImage: string,
): Promise<{ created: boolean }> {
  if (volume.scope === 'task') {
    // A task-scoped volume is the task's own (translate/docker-volumes.ts): one left by an earlier
    // task of this name (a runner that died) is removed, never reused.
    await docker
      .getVolume(volume.name)
      .remove()
      .catch((e) => {
        if (statusCode(e) !== 404)
          throw new LocalStepError(`volume ${volume.name}`, `removing the earlier task's volume failed: ${String((e as Error).message)}`);
      });
    await docker.createVolume({ Name: volume.name, Driver: volume.driver, DriverOpts: { ...volume.driverOpts }, Labels: labels });
    return { created: true };
  }
  try {
    await docker.getVolume(volume.name).inspect();
    return { created: false };
  } catch (e) {
    if (statusCode(e) !== 404) throw e;
  }
  await docker.createVolume({ Name: volume.name, Labels: labels });
  if (volume.owner) {
    const r = await runOnce(docker, volumeOwnerRun({ ...volume, owner: volume.owner }, helperImage, labels, `${volume.name}:${VOLUME_MOUNT}`));
    if (r.code !== 0) throw new LocalStepError(`volume ${volume.name}`, `setting its owner failed (exit ${r.code}): ${r.output.trim().split('\n').pop()}`);
  }
  return { created: true };
}

/** Remove what carries every one of the labels: networks always (with the task), task-scoped volumes with the task, all volumes on request. */
export async function removeLabelled(docker: Docker, kind: 'network' | 'volume', ...label: string[]): Promise<string[]> {
  const removed: string[] = [];
  if (kind === 'network') {
    for (const n of await docker.listNetworks({ filters: { label } })) {
      await docker.getNetwork(n.Id).remove();
      removed.push(`network ${n.Name}`);
    }
  } else {
    const { Volumes } = await docker.listVolumes({ filters: { label } });
    for (const v of Volumes ?? []) {
      await docker.getVolume(v.Name).remove();
      removed.push(`volume ${v.Name}`);
    }
  }
  return removed;
}
