import { Duration, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { HostsConfig } from '../config/app-config';
import { hostUserData } from './host-user-data';

export interface Ec2CapacityProps {
  readonly vpc: ec2.IVpc;
  readonly cluster: ecs.Cluster;
  readonly config: HostsConfig;
}

/**
 * ECS-optimized Amazon Linux 2023 instances in private subnets, behind an ASG capacity provider with
 * managed scaling. The launch template requires IMDSv2 with a hop limit of 1 (containers cannot
 * reach IMDS through the host), encrypts a gp3 root volume, has no key pair and no public IP, and
 * runs the hardening script in lib/host/instance-user-data.sh.
 */
export class Ec2Capacity extends Construct {
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly capacityProvider: ecs.AsgCapacityProvider;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: Ec2CapacityProps) {
    super(scope, id);
    const { vpc, cluster, config } = props;

    this.securityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc,
      description: 'ECS container instances: no inbound; outbound for the ECS agent, ECR, SSM and logs',
      allowAllOutbound: true,
    });

    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'ECS container instance role (the agent registers; Session Manager instead of SSH)',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });

    const hardwareType = config.architecture === 'arm64' ? ecs.AmiHardwareType.ARM : ecs.AmiHardwareType.STANDARD;
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      // The public SSM parameter for the recommended AMI: no lookup, so synth works offline.
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(hardwareType),
      instanceType: new ec2.InstanceType(config.instanceType),
      userData: hostUserData({ clusterName: cluster.clusterName, config }),
      role,
      securityGroup: this.securityGroup,
      requireImdsv2: true,
      // AL2023 AMIs default to hop limit 2 so that containers can reach IMDS (pitfalls P14); 1 stops that.
      httpPutResponseHopLimit: 1,
      httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
      associatePublicIpAddress: false,
      detailedMonitoring: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(config.rootVolumeGiB, {
            encrypted: true,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            deleteOnTermination: true,
          }),
        },
      ],
    });

    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'AutoScalingGroup', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: config.minInstances,
      maxCapacity: config.maxInstances,
      // Must match enableManagedTerminationProtection below (pitfalls P17).
      newInstancesProtectedFromScaleIn: false,
      healthChecks: autoscaling.HealthChecks.ec2(),
    });

    this.capacityProvider = new ecs.AsgCapacityProvider(this, 'CapacityProvider', {
      autoScalingGroup: this.autoScalingGroup,
      enableManagedScaling: true,
      targetCapacityPercent: 100,
      // Managed termination protection makes `cdk destroy` hang on protected instances
      // (aws/aws-cdk#18179, pitfalls P17). Off: scale-in may stop an instance that runs a task,
      // which the service replaces; this is the trade-off against Security Hub ECS.19 (README).
      enableManagedTerminationProtection: false,
      // AL2023 uses the same ECS_CLUSTER user data as AL2; the enum has no AL2023 member.
      machineImageType: ecs.MachineImageType.AMAZON_LINUX_2,
    });
    // ECS managed instance draining (on by default for capacity providers) drains instances before
    // termination. A zero drain time stops CDK from also adding its legacy Lambda + SNS drain hook;
    // the option left the type definitions but aws-cdk-lib still reads it (cluster.js), and
    // test/stack.test.ts fails if a Lambda function ever reappears.
    cluster.addAsgCapacityProvider(this.capacityProvider, {
      taskDrainTime: Duration.seconds(0),
    } as ecs.AddAutoScalingGroupCapacityOptions);

    // The statements CDK writes for the ECS agent: Submit*/Poll are scoped to the cluster by a
    // condition, and ecr:GetAuthorizationToken/logs/DiscoverPollEndpoint have no resource-level ARNs.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::ecs:Submit*]',
      reason: 'ECS agent permissions written by aws-cdk-lib, restricted to this cluster by an ecs:cluster condition.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'ECS agent actions without resource-level permissions (ecr:GetAuthorizationToken, ecs:DiscoverPollEndpoint).',
    });
    Validations.of(this.autoScalingGroup).acknowledge({
      id: 'AwsSolutions::AwsSolutions-AS3',
      reason: 'Scaling is driven by the ECS capacity provider and visible in ECS service events; no SNS topic is needed.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason: 'Session Manager replaces SSH key pairs; AWS maintains this minimal SSM policy.',
    });
  }
}
