import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { parse as parseToml } from 'smol-toml';
import { bottlerocketUserDataParts } from './bottlerocket-settings';
import { acknowledgeGuardDutyAgentImagePull, guardDutyAgentImagePull } from './guardduty-agent';
import type { HostContext, HostSetup } from './host-setup';

/** Bottlerocket hosts' defaults (the configuration leaves `hosts.controlContainer` unset to get them). */
const BOTTLEROCKET_DEFAULTS = { controlContainer: true } as const;

export interface BottlerocketOptions {
  /**
   * Run the control host container, which carries the SSM agent. Off, the instance role has no SSM
   * policy and the host has no remote access at all.
   *
   * @default true
   */
  readonly controlContainer?: boolean;
}

/** An EBS mapping without VolumeSize: EC2 sizes it from the AMI's snapshot (the constructor is protected). */
class SnapshotSizedVolume extends ec2.BlockDeviceVolume {
  constructor(options: ec2.EbsDeviceOptions) {
    super(options);
  }
}

/**
 * The Bottlerocket ECS variant, configured by TOML settings (lib/host/bottlerocket-settings.ts), not
 * a script: custom user data, as ecs.BottleRocketImage gives. Its cfsignal only signals; nothing on
 * it calls SetInstanceHealth, so the role gets no such grant.
 */
export function setUpBottlerocket(scope: Construct, context: HostContext, options: BottlerocketOptions): HostSetup {
  const controlContainer = options.controlContainer ?? BOTTLEROCKET_DEFAULTS.controlContainer;
  const parts = bottlerocketUserDataParts({
    containerStopTimeoutSeconds: context.containerStopTimeout.toSeconds(),
    controlContainer,
    stackName: context.stackName,
    signalResourceLogicalId: context.signalResourceLogicalId,
  });
  const userData = ec2.UserData.custom(parts.before);
  return {
    // /aws/service/bottlerocket/aws-ecs-2/<arch>/latest/image_id (aws-ecs-1 is CDK's default but
    // older; QUICKSTART-ECS.md in bottlerocket-os/bottlerocket names aws-ecs-2).
    machineImage: new ecs.BottleRocketImage({
      variant: ecs.BottlerocketEcsVariant.AWS_ECS_2,
      architecture: context.hardwareType === ecs.AmiHardwareType.ARM ? ec2.InstanceArchitecture.ARM_64 : ec2.InstanceArchitecture.X86_64,
    }),
    // CDK writes `[settings.ecs]` and `cluster = "…"` into the TOML.
    machineImageType: ecs.MachineImageType.BOTTLEROCKET,
    userData,
    blockDevices: [
      // Bottlerocket has two volumes (SECURITY_FEATURES.md; the AMI maps both): the OS volume,
      // read-only and dm-verity checked, keeps the AMI snapshot's size (no VolumeSize); the data
      // volume holds images, containers and settings.
      { deviceName: '/dev/xvda', volume: new SnapshotSizedVolume(context.volumeOptions) },
      { deviceName: '/dev/xvdb', volume: ec2.BlockDeviceVolume.ebs(context.rootVolumeSize.toGibibytes(), context.volumeOptions) },
    ],
    // CDK adds the SSM policy itself (cluster.ts, case BOTTLEROCKET); finish() decides what stays.
    managedPolicies: [],
    statements: context.guardDutyAgent ? [guardDutyAgentImagePull()] : [],
    /**
     * The rest of the settings go under the `[settings.ecs]` table CDK just opened; the whole
     * document must parse as TOML (checked at synth, tokens included as plain strings).
     * CDK also attached AmazonEC2ContainerServiceforEC2Role (all ECS agent actions on any cluster);
     * the inline statements it writes for the agent are scoped to this cluster and suffice, as on
     * AL2023, so the role keeps only the SSM policy (none when the control container is off).
     */
    finish: (role) => {
      userData.addCommands(parts.after);
      if (context.guardDutyAgent) acknowledgeGuardDutyAgentImagePull(role);
      const ssm = iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore').managedPolicyArn;
      (role.node.defaultChild as iam.CfnRole).managedPolicyArns = controlContainer ? [ssm] : [];
      scope.node.addValidation({
        validate: () => {
          try {
            const doc = parseToml(userData.render()) as { settings?: { ecs?: { cluster?: unknown } } };
            return doc.settings?.ecs?.cluster === undefined ? ['Bottlerocket user data has no settings.ecs.cluster'] : [];
          } catch (e) {
            return [`Bottlerocket user data is not valid TOML: ${(e as Error).message}`];
          }
        },
      });
    },
  };
}
