import { createHash } from 'node:crypto';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DataEncryptionKey } from './data-encryption-key';

/** Where the paths' files live on the file system: each path its own directory under this one. */
const ACCESS_POINT_ROOT = '/app';

/**
 * A short name of one container path: its last name and a hash of the whole path, so two paths never
 * share one (`/srv/app/data` and `/var/lib/data`, or `/srv/a-b` and `/srv/a_b`) and any depth fits.
 */
function pathKey(containerPath: string): string {
  const name = containerPath.split('/').pop()!.slice(0, 40);
  const hash = createHash('sha256').update(containerPath).digest('hex').slice(0, 12);
  return `${name}-${hash}`;
}

/**
 * The directory of one container path on the file system ({@link pathKey}): an access point's root
 * directory may have at most four components and 100 characters
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-efs-accesspoint-rootdirectory.html).
 */
export function accessPointDirectory(containerPath: string): string {
  return `${ACCESS_POINT_ROOT}/${pathKey(containerPath)}`;
}

/**
 * The ECS volume name of a persistent path (and its access point's construct id): {@link pathKey} in
 * ECS's characters (letters, digits, hyphens and underscores), so it is as distinct as the path. The
 * local runner names its engine volume after it (lib/local/translate/efs-volumes.ts).
 */
export function persistentVolumeName(containerPath: string): string {
  return `persistent-${pathKey(containerPath).replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export interface PersistentStorageProps {
  readonly vpc: ec2.IVpc;
  /** Absolute paths inside the app container, each backed by its own access point. */
  readonly paths: readonly string[];
  /** Numeric uid the app runs as: every file is created as it, whoever the client claims to be. */
  readonly uid: string;
  /** Numeric gid the app runs as. */
  readonly gid: string;
  /**
   * The paths whose files are public (inside the app's public folder): the proxy serves them read-only
   * ({@link mountReadOnlyInto}), so their root directory is created 0755 rather than 0750.
   *
   * @default none
   */
  readonly publicPaths?: readonly string[];
}

/**
 * Persistent paths for the app on one EFS file system: encrypted at rest with its own KMS key,
 * reached only over TLS (the file system policy refuses plain NFS) and only with IAM
 * authorization, backed up by AWS Backup (the EFS backup policy), kept when the stack is deleted.
 * Each path gets an access point that enforces the app's uid/gid and a root directory of its own,
 * so a task can reach only the directories it mounts. Mount targets sit in the private subnets
 * behind a security group that admits nobody until {@link allowFrom} names a client, on 2049 only.
 */
export class PersistentStorage extends Construct {
  readonly fileSystem: efs.FileSystem;
  readonly encryptionKey: DataEncryptionKey;
  readonly securityGroup: ec2.SecurityGroup;
  /** The access point of each path. */
  readonly accessPoints: ReadonlyMap<string, efs.AccessPoint>;

  constructor(scope: Construct, id: string, props: PersistentStorageProps) {
    super(scope, id);

    this.encryptionKey = new DataEncryptionKey(this, 'Key', {
      description: "Encrypts the app's persistent files (EFS)",
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'App persistent files (EFS mount targets): NFS only from the app tasks; no outbound',
      allowAllOutbound: false,
    });

    this.fileSystem = new efs.FileSystem(this, 'FileSystem', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: this.securityGroup,
      encrypted: true,
      kmsKey: this.encryptionKey,
      enableAutomaticBackups: true,
      // `false` would make aws-cdk-lib add a statement granting ClientRootAccess and ClientWrite to
      // every principal that comes through a mount target (aws-efs efs-file-system.ts). Not wanted:
      // the policy below allows nothing, so a client without IAM credentials (anonymous) gets
      // nothing, and an IAM principal only what its own policies grant (the task role: ClientMount
      // and ClientWrite through its access points, in mountInto). Never root.
      // https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html
      allowAnonymousAccess: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Plain NFS is refused; the task definition asks for TLS (transitEncryption ENABLED).
    // https://docs.aws.amazon.com/efs/latest/ug/encryption-in-transit.html
    this.fileSystem.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyUnencryptedTransport',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['*'],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    // Every mount goes through an access point, which fixes the user and the directory.
    this.fileSystem.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyMountsWithoutAccessPoint',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite', 'elasticfilesystem:ClientRootAccess'],
        conditions: { Null: { 'elasticfilesystem:AccessPointArn': 'true' } },
      }),
    );

    const accessPoints = new Map<string, efs.AccessPoint>();
    for (const containerPath of props.paths) {
      accessPoints.set(
        containerPath,
        this.fileSystem.addAccessPoint(persistentVolumeName(containerPath), {
          path: accessPointDirectory(containerPath),
          // EFS creates the root directory on first use, owned by the app: 0750, or 0755 for a public
          // path the proxy (another uid) reads too. Through the access point every client is the app's
          // uid anyway; the local runner's engine volume takes this mode and has no such mapping.
          createAcl: { ownerUid: props.uid, ownerGid: props.gid, permissions: props.publicPaths?.includes(containerPath) ? '755' : '750' },
          posixUser: { uid: props.uid, gid: props.gid },
        }),
      );
    }
    this.accessPoints = accessPoints;
  }

  /**
   * Admit `client` on NFS (2049) only; its egress to the mount targets' security group is opened too.
   * In awsvpc mode the ECS agent mounts the volume inside the task's network namespace (it passes
   * the pause container's netns to the mount: amazon-ecs-agent agent/taskresource/volume/dockervolume.go,
   * getDriverOpts; https://shihtiy.com/posts/ECS-EFS-Dive-Deep), so the task's security group is
   * the client, not the container instance's.
   */
  allowFrom(client: ec2.IConnectable): void {
    this.fileSystem.connections.allowDefaultPortFrom(client, 'App tasks to their persistent files');
  }

  /**
   * Mount every path into `container`, read-write, each through its access point with TLS and IAM
   * authorization; the task role may mount and write through those access points and no other.
   */
  mountInto(taskDefinition: ecs.TaskDefinition, container: ecs.ContainerDefinition): void {
    for (const [containerPath, accessPoint] of this.accessPoints) {
      const name = persistentVolumeName(containerPath);
      taskDefinition.addVolume({
        name,
        efsVolumeConfiguration: {
          fileSystemId: this.fileSystem.fileSystemId,
          transitEncryption: 'ENABLED',
          authorizationConfig: { accessPointId: accessPoint.accessPointId, iam: 'ENABLED' },
        },
      });
      container.addMountPoints({ containerPath, sourceVolume: name, readOnly: false });
      taskDefinition.addToTaskRolePolicy(
        new iam.PolicyStatement({
          actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
          resources: [this.fileSystem.fileSystemArn],
          conditions: { StringEquals: { 'elasticfilesystem:AccessPointArn': accessPoint.accessPointArn } },
        }),
      );
    }
  }

  /**
   * Mount `paths` (already mounted into the app by {@link mountInto}) read-only into `container` at
   * the same place: the proxy serves the files the app wrote there (uploads), and never runs one
   * (containers/proxy/render-nginx-config, WRITABLE_URL_PREFIXES).
   */
  mountReadOnlyInto(container: ecs.ContainerDefinition, paths: readonly string[]): void {
    for (const containerPath of paths) {
      if (!this.accessPoints.has(containerPath)) throw new Error(`${containerPath} is not a persistent path`);
      container.addMountPoints({ containerPath, sourceVolume: persistentVolumeName(containerPath), readOnly: true });
    }
  }
}
