/**
 * What an EFS access point does on the first mount of its root directory (CreationInfo: OwnerUid,
 * OwnerGid, Permissions), done once on a new engine volume by a one-off container that keeps only
 * CAP_CHOWN (and CAP_FOWNER to change the mode of a directory it does not own yet):
 * https://docs.aws.amazon.com/efs/latest/ug/efs-access-points.html#enforce-root-directory-access-point
 */
import type { RunOnceRequest } from './container-engine';
import type { VolumeSpec } from '../spec';

export const VOLUME_MOUNT = '/volume';

/** The one-off container that gives a new volume its owner and mode. Pure. */
export function volumeOwnerRun(
  volume: VolumeSpec & { owner: NonNullable<VolumeSpec['owner']> },
  image: string,
  labels: Record<string, string>,
  bind: string,
): RunOnceRequest {
  const { uid, gid, mode } = volume.owner;
  // The values come from the translator, which accepts only integers and octal modes.
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || !/^[0-7]{3,4}$/.test(mode)) throw new Error(`volume ${volume.name}: bad owner ${uid}:${gid} ${mode}`);
  return {
    image,
    entrypoint: ['sh'],
    cmd: ['-c', `chown ${uid}:${gid} ${VOLUME_MOUNT} && chmod ${mode} ${VOLUME_MOUNT}`],
    user: '0:0',
    capAdd: ['CHOWN', 'FOWNER'],
    labels,
    binds: [bind],
    timeoutMs: 60_000,
  };
}
