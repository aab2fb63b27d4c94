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
import { runOnce } from './streams';
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

export async function createDockerNetwork(docker: Docker, name: string, labels: Record<string, string>): Promise<void> {
  await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    Internal: true,
    CheckDuplicate: true,
    Labels: labels,
    Options: { 'com.docker.network.bridge.inhibit_ipv4': 'true' },
  });
}

export async function ensureDockerVolume(
  docker: Docker,
  volume: VolumeSpec,
  labels: Record<string, string>,
  helperImage: string,
): Promise<{ created: boolean }> {
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

/** Remove what carries the label: networks always (with the task), volumes on request. */
export async function removeLabelled(docker: Docker, kind: 'network' | 'volume', label: string): Promise<string[]> {
  const removed: string[] = [];
  if (kind === 'network') {
    for (const n of await docker.listNetworks({ filters: { label: [label] } })) {
      await docker.getNetwork(n.Id).remove();
      removed.push(`network ${n.Name}`);
    }
  } else {
    const { Volumes } = await docker.listVolumes({ filters: { label: [label] } });
    for (const v of Volumes ?? []) {
      await docker.getVolume(v.Name).remove();
      removed.push(`volume ${v.Name}`);
    }
  }
  return removed;
}
