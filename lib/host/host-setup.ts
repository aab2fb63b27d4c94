import type { Duration, Size } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';

/** What every host OS is set up from: the group's settings, resolved by `Ec2Capacity`. */
export interface HostContext {
  /** The cluster the instances join. */
  readonly cluster: ecs.ICluster;
  /** CPU architecture of the AMI. */
  readonly hardwareType: ecs.AmiHardwareType;
  /** Size of the volume that holds container images and state. */
  readonly rootVolumeSize: Size;
  /** How every EBS volume of the instance is made (encrypted gp3). */
  readonly volumeOptions: ec2.EbsDeviceOptions;
  /** Per-task process limit (ECS_TASK_PIDS_LIMIT), where the OS offers one. */
  readonly taskPidsLimit: number;
  /** How long the ECS agent waits after SIGTERM before SIGKILL (ECS_CONTAINER_STOP_TIMEOUT). */
  readonly containerStopTimeout: Duration;
  /** How long the group waits for a new instance's signal; the instance gives the agent this long to register. */
  readonly signalTimeout: Duration;
  /** Whether GuardDuty Runtime Monitoring installs its security agent on the hosts (through SSM). */
  readonly guardDutyAgent: boolean;
  /** The region, stack and logical id of the Auto Scaling group the instance reports to (tokens until synth). */
  readonly region: string;
  readonly stackName: string;
  readonly signalResourceLogicalId: string;
}

/** One OS's part of the launch template and the instance role. */
export interface HostSetup {
  /** The AMI, from its public SSM parameter: no lookup, so synth works offline. */
  readonly machineImage: ec2.IMachineImage;
  /** How `ecs.Cluster` writes the cluster name into the user data. */
  readonly machineImageType: ecs.MachineImageType;
  readonly userData: ec2.UserData;
  readonly blockDevices: ec2.BlockDevice[];
  /** Managed policies the instance role starts with. */
  readonly managedPolicies: iam.IManagedPolicy[];
  /** What the instance does besides signalling its stack (granted before the ECS agent's statements). */
  readonly statements: iam.PolicyStatement[];
  /** Runs once the cluster has added its own user data and role policies to the group. */
  finish(role: iam.Role): void;
}
