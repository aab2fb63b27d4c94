import { Duration, Lazy, Size, Stack, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { HostOs } from '../host/host-os';

/** The hosts' defaults: the configuration schema (lib/config/app-config.ts) reads them from here. */
export const EC2_CAPACITY_DEFAULTS = {
  instanceType: 't3.small',
  rootVolumeGiB: 30,
  minCapacity: 1,
  maxCapacity: 2,
  taskPidsLimit: 256,
  containerStopTimeoutSeconds: 30,
} as const;

export interface Ec2CapacityProps {
  /** The VPC whose private subnets hold the instances. */
  readonly vpc: ec2.IVpc;
  /** The cluster the instances join; the capacity provider is added to it. */
  readonly cluster: ecs.Cluster;
  /**
   * EC2 instance type of the container instances.
   *
   * @default t3.small
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * More instance types the group may launch (a mixed instances policy, on-demand only). Every type
   * must have the architecture of `instanceType`.
   *
   * @default - none: the group launches only `instanceType`
   */
  readonly additionalInstanceTypes?: ec2.InstanceType[];
  /**
   * Operating system of the instances: `HostOs.al2023()`, ECS-optimized Amazon Linux 2023 hardened
   * by a script, or `HostOs.bottlerocket()`, the Bottlerocket ECS variant configured by TOML settings.
   *
   * @default HostOs.al2023()
   */
  readonly os?: HostOs;
  /**
   * CPU architecture of the ECS-optimized AMI.
   *
   * @default ecs.AmiHardwareType.STANDARD (x86_64)
   */
  readonly hardwareType?: ecs.AmiHardwareType;
  /**
   * Size of the encrypted gp3 root volume (Bottlerocket: of the data volume /dev/xvdb, which holds
   * container images and state; its OS volume /dev/xvda keeps the AMI's size).
   *
   * @default Size.gibibytes(EC2_CAPACITY_DEFAULTS.rootVolumeGiB)
   */
  readonly rootVolumeSize?: Size;
  /**
   * Fewest instances in the group.
   *
   * @default 1
   */
  readonly minCapacity?: number;
  /**
   * Most instances in the group.
   *
   * @default 2
   */
  readonly maxCapacity?: number;
  /**
   * Per-task process limit the ECS agent enforces (ECS_TASK_PIDS_LIMIT, the task cgroup's pids.max).
   *
   * @default 256
   */
  readonly taskPidsLimit?: number;
  /**
   * How long the ECS agent waits after SIGTERM before SIGKILL (ECS_CONTAINER_STOP_TIMEOUT).
   *
   * @default Duration.seconds(EC2_CAPACITY_DEFAULTS.containerStopTimeoutSeconds)
   */
  readonly containerStopTimeout?: Duration;
  /**
   * How long CloudFormation waits for each new instance to report that it is hardened and
   * registered with the cluster; the instance itself gives the agent this long to register.
   *
   * @default Duration.minutes(15)
   */
  readonly signalTimeout?: Duration;
  /**
   * Name the group's Availability Zones in the template as well as its subnets (AWS Control Tower
   * control CT.AUTOSCALING.PR.1 checks the `AvailabilityZones` property).
   *
   * @default false
   */
  readonly explicitAvailabilityZones?: boolean;
  /**
   * Give the hosts what GuardDuty's security agent needs (Runtime Monitoring with automated agent
   * management: the host OS says what, lib/host/).
   *
   * @default false
   */
  readonly guardDutyAgent?: boolean;
}

/**
 * ECS container instances in private subnets, behind an ASG capacity provider with managed scaling.
 * The launch template requires IMDSv2 with a hop limit of 1 (containers cannot reach IMDS through
 * the host), encrypts its gp3 volumes, and has no key pair and no public IP. The host OS
 * (lib/host/host-os.ts) brings the AMI, the user data that hardens the host (AL2023's script or
 * Bottlerocket's TOML settings), the volumes and the role policies.
 *
 * Every new instance must report: the group has a CreationPolicy and a rolling-update policy that
 * wait for a signal, which the instance sends only after hardening and agent registration succeed
 * (a FAILURE signal names the reason in the stack events). An instance that fails then or later
 * marks itself Unhealthy, so the group replaces it.
 */
export class Ec2Capacity extends Construct {
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly capacityProvider: ecs.AsgCapacityProvider;
  readonly securityGroup: ec2.SecurityGroup;
  /** The instance types the group may launch, `instanceType` first. */
  readonly instanceTypes: ec2.InstanceType[];

  constructor(scope: Construct, id: string, props: Ec2CapacityProps) {
    super(scope, id);
    const { vpc, cluster } = props;
    const instanceType = props.instanceType ?? new ec2.InstanceType(EC2_CAPACITY_DEFAULTS.instanceType);
    this.instanceTypes = [instanceType, ...(props.additionalInstanceTypes ?? [])];
    const signalTimeout = props.signalTimeout ?? Duration.minutes(15);
    const hardwareType = props.hardwareType ?? ecs.AmiHardwareType.STANDARD;
    const stack = Stack.of(this);
    const host = (props.os ?? HostOs.al2023()).setup(this, {
      cluster,
      hardwareType,
      rootVolumeSize: props.rootVolumeSize ?? Size.gibibytes(EC2_CAPACITY_DEFAULTS.rootVolumeGiB),
      volumeOptions: { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true },
      taskPidsLimit: props.taskPidsLimit ?? EC2_CAPACITY_DEFAULTS.taskPidsLimit,
      containerStopTimeout: props.containerStopTimeout ?? Duration.seconds(EC2_CAPACITY_DEFAULTS.containerStopTimeoutSeconds),
      signalTimeout,
      guardDutyAgent: props.guardDutyAgent ?? false,
      region: stack.region,
      stackName: stack.stackName,
      signalResourceLogicalId: Lazy.string({
        produce: () => stack.getLogicalId(this.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup),
      }),
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc,
      description: 'ECS container instances: no inbound; outbound for the ECS agent, ECR, SSM and logs',
      allowAllOutbound: true,
    });

    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'ECS container instance role (the agent registers; Session Manager instead of SSH)',
      managedPolicies: host.managedPolicies,
    });

    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: host.machineImage,
      instanceType,
      userData: host.userData,
      role,
      securityGroup: this.securityGroup,
      requireImdsv2: true,
      // AL2023 AMIs set a hop limit of 2 so that containers can reach IMDS
      // (https://docs.aws.amazon.com/linux/al2023/ug/ec2-imds.html); 1 stops that.
      httpPutResponseHopLimit: 1,
      httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
      associatePublicIpAddress: false,
      detailedMonitoring: true,
      blockDevices: host.blockDevices,
    });

    const additional = props.additionalInstanceTypes ?? [];
    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'AutoScalingGroup', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ...(additional.length === 0
        ? { launchTemplate }
        : {
            mixedInstancesPolicy: {
              launchTemplate,
              launchTemplateOverrides: this.instanceTypes.map((t) => ({ instanceType: t })),
              instancesDistribution: { onDemandPercentageAboveBaseCapacity: 100 },
            },
          }),
      minCapacity: props.minCapacity ?? EC2_CAPACITY_DEFAULTS.minCapacity,
      maxCapacity: props.maxCapacity ?? EC2_CAPACITY_DEFAULTS.maxCapacity,
      // Must match enableManagedTerminationProtection below: ECS rejects a capacity provider with
      // managed termination protection on a group whose instances are not protected from scale-in
      // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-termination-protection.html).
      newInstancesProtectedFromScaleIn: false,
      healthChecks: autoscaling.HealthChecks.ec2(),
      // A deployment waits for each new instance's own report (lib/host/instance-user-data.sh)
      // instead of trusting the EC2 status checks, which a host with failed hardening still passes.
      signals: autoscaling.Signals.waitForMinCapacity({ timeout: signalTimeout }),
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({ waitOnResourceSignals: true, pauseTime: signalTimeout }),
    });
    const cfnAsg = this.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    if (additional.length > 0) {
      Validations.of(this.autoScalingGroup).acknowledge({
        id: 'AwsSolutions::AwsSolutions-EC26',
        reason:
          'cdk-nag cannot follow a MixedInstancesPolicy to its launch template and errors; the launch template encrypts ' +
          'the root volume (test/constructs/ec2-capacity.test.ts) and the project audit checks it (EC2-EBS-01).',
      });
    }
    if (props.explicitAvailabilityZones) {
      cfnAsg.availabilityZones = vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).availabilityZones;
    }

    // The instance reports itself: a signal to this stack, and whatever else its OS reports.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['cloudformation:SignalResource'],
        resources: [stack.stackId],
      }),
    );
    for (const statement of host.statements) role.addToPrincipalPolicy(statement);

    this.capacityProvider = new ecs.AsgCapacityProvider(this, 'CapacityProvider', {
      autoScalingGroup: this.autoScalingGroup,
      enableManagedScaling: true,
      targetCapacityPercent: 100,
      // Managed termination protection makes `cdk destroy` hang on protected instances
      // (aws/aws-cdk#18179). Off: scale-in may stop an instance that runs a task, which the service
      // replaces; this is the trade-off against Security Hub ECS.19 (README).
      enableManagedTerminationProtection: false,
      machineImageType: host.machineImageType,
    });
    // ECS managed instance draining (on by default for capacity providers) drains instances before
    // termination. A zero drain time stops CDK from also adding its legacy Lambda + SNS drain hook;
    // the option left the type definitions but aws-cdk-lib still reads it (cluster.js), and
    // test/stack.test.ts fails if a Lambda function ever reappears.
    cluster.addAsgCapacityProvider(this.capacityProvider, {
      taskDrainTime: Duration.seconds(0),
    } as ecs.AddAutoScalingGroupCapacityOptions);
    host.finish(role);

    // The statements CDK writes for the ECS agent: Submit*/Poll are scoped to the cluster by a
    // condition, and ecr:GetAuthorizationToken/logs/DiscoverPollEndpoint have no resource-level ARNs.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::ecs:Submit*]',
      reason: 'ECS agent permissions written by aws-cdk-lib, restricted to this cluster by an ecs:cluster condition.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'ECS agent actions without resource-level permissions (ecr:GetAuthorizationToken, ecs:DiscoverPollEndpoint), ' +
        "and autoscaling:SetInstanceHealth limited to this stack's group by a resource-tag condition.",
    });
    Validations.of(this.autoScalingGroup).acknowledge({
      id: 'AwsSolutions::AwsSolutions-AS3',
      reason: 'Scaling is driven by the ECS capacity provider and visible in ECS service events; no SNS topic is needed.',
    });
    // The same decisions for this project's audit (lib/audit/synth-plugin.ts).
    Validations.of(this.capacityProvider).acknowledge({
      id: 'secure-ecs-audit::CP-TERM-01',
      reason:
        'Managed termination protection is off so that `cdk destroy` does not hang on protected instances (aws/aws-cdk#18179); ' +
        'ECS managed instance draining moves tasks before scale-in. Trade-off against Security Hub ECS.19, see README "Teardown".',
    });
    Validations.of(role).acknowledge({
      id: 'secure-ecs-audit::IAM-WC-01',
      reason:
        "ECS agent permissions written by aws-cdk-lib: ecs:Submit* is scoped to this cluster's ARN, ecs:Poll and StartTelemetrySession " +
        'to it by an ArnEquals condition, and ecr:GetAuthorizationToken and ecs:DiscoverPollEndpoint have no resource-level permissions; ' +
        "autoscaling:SetInstanceHealth is limited to this stack's group by a resource-tag condition. The same statement grants " +
        'logs:CreateLogStream/PutLogEvents on *, which could be narrowed here.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason: 'Session Manager replaces SSH key pairs; AWS maintains this minimal SSM policy.',
    });
  }
}
