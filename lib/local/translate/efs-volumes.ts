/**
 * A task definition's `Volumes` with an `EFSVolumeConfiguration`, locally: each becomes an engine
 * volume of its own, kept between starts, whose root gets the owner and mode of the access point's
 * `RootDirectory.CreationInfo` when it is created (EFS creates the access point's root directory so on
 * first use). The ECS agent mounts EFS as a Docker volume too: a volume of the `amazon-ecs-volume-plugin`
 * driver with the mount options `tls` (TransitEncryption), `iam` (IAM authorization) and `accesspoint`
 * (amazon-ecs-agent agent/taskresource/volume, EFSVolumeConfig.getVolumePluginDriverOptions); the
 * NFS, TLS and IAM parts have no local counterpart and are reported as not honoured. Pure.
 */
import { cfnNumber, refTarget } from '../../cfn/values';
import { isObject } from '../../util/is-object';
import type { FieldReport, VolumeSpec } from '../spec';
import { short } from './collector';
import { translateDockerVolume } from './docker-volumes';

export interface AccessPointShape {
  /** RootDirectory.CreationInfo. */
  readonly owner?: { readonly uid: number; readonly gid: number; readonly mode: string };
  /** PosixUser: the identity EFS applies to every file operation through the access point. */
  readonly posixUser?: { readonly uid: number; readonly gid: number };
}

/** The template's `AWS::EFS::AccessPoint`s by logical id. */
export function accessPointsOfTemplate(template: Record<string, unknown>): Record<string, AccessPointShape> {
  const out: Record<string, AccessPointShape> = {};
  for (const [id, r] of Object.entries(isObject(template.Resources) ? template.Resources : {})) {
    if (!isObject(r) || r.Type !== 'AWS::EFS::AccessPoint') continue;
    const p = isObject(r.Properties) ? r.Properties : {};
    const root = isObject(p.RootDirectory) ? p.RootDirectory : {};
    const ci = isObject(root.CreationInfo) ? root.CreationInfo : {};
    const [uid, gid] = [cfnNumber(ci.OwnerUid), cfnNumber(ci.OwnerGid)];
    const mode = String(ci.Permissions ?? '');
    const posix = isObject(p.PosixUser) ? p.PosixUser : {};
    const [pu, pg] = [cfnNumber(posix.Uid), cfnNumber(posix.Gid)];
    out[id] = {
      owner: Number.isInteger(uid) && Number.isInteger(gid) && /^[0-7]{3,4}$/.test(mode) ? { uid: uid!, gid: gid!, mode } : undefined,
      posixUser: Number.isInteger(pu) && Number.isInteger(pg) ? { uid: pu!, gid: pg! } : undefined,
    };
  }
  return out;
}

/**
 * The engine volume of a task volume: scoped to the task, so `down --volumes` removes exactly these.
 * Case is kept (Docker's and podman's volume names allow upper case: `[a-zA-Z0-9][a-zA-Z0-9_.-]`),
 * so two volume names ECS accepts (letters, digits, `_`, `-`) never share an engine volume; only a
 * character ECS refuses is replaced.
 */
function efsVolumeName(taskName: string, volumeName: string): string {
  return `${taskName}-efs-${volumeName.replace(/[^A-Za-z0-9_.-]/g, '-')}`;
}

export interface TranslatedVolumes {
  /** Engine volumes by the task definition's volume name. */
  readonly byName: Record<string, VolumeSpec>;
  readonly fields: FieldReport[];
}

/** The task definition's `Volumes`: EFS and task-scoped Docker volumes become engine volumes; others are reported as not created. */
export function translateVolumes(value: unknown, taskName: string, accessPoints: Readonly<Record<string, AccessPointShape>>): TranslatedVolumes {
  const byName: Record<string, VolumeSpec> = {};
  const fields: FieldReport[] = [];
  const report = (sub: string, outcome: FieldReport['outcome'], detail: string) => fields.push({ path: `task.Volumes${sub}`, outcome, detail });
  for (const v of (Array.isArray(value) ? value : []).filter(isObject)) {
    const name = String(v.Name);
    const efs = v.EFSVolumeConfiguration;
    if (isObject(v.DockerVolumeConfiguration)) {
      const docker = translateDockerVolume(name, v.DockerVolumeConfiguration, taskName, report);
      if (docker) byName[name] = docker;
      continue;
    }
    if (!isObject(efs)) {
      report(`.${name}`, 'not-honoured', `${short(v)}: only EFS and task-scoped Docker volumes are created locally`);
      continue;
    }
    const auth = isObject(efs.AuthorizationConfig) ? efs.AuthorizationConfig : {};
    const apId = refTarget(auth.AccessPointId);
    const ap = apId ? accessPoints[apId] : undefined;
    const volume: VolumeSpec = { name: efsVolumeName(taskName, name), owner: ap?.owner };
    byName[name] = volume;
    report(
      `.${name}`,
      'honoured',
      `engine volume ${volume.name} (this machine's disk), kept between starts (\`local down --volumes\` removes it)` +
        (ap?.owner ? `; created with owner ${ap.owner.uid}:${ap.owner.gid} and mode ${ap.owner.mode}, as the access point's RootDirectory.CreationInfo` : ''),
    );
    if (efs.TransitEncryption === 'ENABLED')
      report(`.${name}.TransitEncryption`, 'not-honoured', 'no NFS locally: the volume is on this machine, so there is no traffic to encrypt in transit');
    if (auth.IAM === 'ENABLED')
      report(
        `.${name}.AuthorizationConfig.IAM`,
        'not-honoured',
        'no task role and no IAM locally: the mount is not authorized by IAM; every container that mounts it may use it',
      );
    if (ap?.posixUser)
      report(
        `.${name}.AccessPoint.PosixUser`,
        'not-honoured',
        `files are written as the container's own user, not forced to ${ap.posixUser.uid}:${ap.posixUser.gid} as the access point does; run the container as that user`,
      );
    if (apId && !ap)
      report(
        `.${name}.AuthorizationConfig.AccessPointId`,
        'not-honoured',
        `access point ${apId} is not in the template: the volume's root keeps the engine's owner`,
      );
  }
  return { byName, fields };
}
