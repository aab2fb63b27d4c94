import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { hostUserDataCommands } from './al2023-user-data';
import type { HostContext, HostSetup } from './host-setup';

/**
 * ECS-optimized Amazon Linux 2023, hardened at first boot by lib/host/instance-user-data.sh: one
 * encrypted gp3 root volume, Session Manager instead of SSH, and the right to mark itself Unhealthy
 * when the script fails or the agent or the IMDS block is lost later.
 */
export function setUpAl2023(context: HostContext): HostSetup {
  const userData = ec2.UserData.forLinux();
  userData.addCommands(
    ...hostUserDataCommands({
      clusterName: context.cluster.clusterName,
      taskPidsLimit: context.taskPidsLimit,
      containerStopTimeoutSeconds: context.containerStopTimeout.toSeconds(),
      region: context.region,
      stackName: context.stackName,
      signalResourceLogicalId: context.signalResourceLogicalId,
      agentRegistrationTimeoutSeconds: context.signalTimeout.toSeconds(),
    }),
  );
  return {
    machineImage: ecs.EcsOptimizedImage.amazonLinux2023(context.hardwareType),
    // AL2023 uses the same ECS_CLUSTER user data as AL2; the enum has no AL2023 member.
    machineImageType: ecs.MachineImageType.AMAZON_LINUX_2,
    userData,
    blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(context.rootVolumeSize.toGibibytes(), context.volumeOptions) }],
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    statements: [
      // Unhealthy to its own group only: SetInstanceHealth supports the autoscaling:ResourceTag
      // condition, and CloudFormation tags the group with its stack name.
      new iam.PolicyStatement({
        actions: ['autoscaling:SetInstanceHealth'],
        resources: ['*'],
        conditions: { StringEquals: { 'autoscaling:ResourceTag/aws:cloudformation:stack-name': context.stackName } },
      }),
    ],
    finish: () => {},
  };
}
