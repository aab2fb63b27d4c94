import * as path from 'node:path';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

const REPO_ROOT = path.join(__dirname, '..', '..');
/** Where each hook's handler lives: one file per hook, exporting `handler`. */
export const DEPLOY_HOOKS_DIR = path.join(REPO_ROOT, 'lib', 'deploy-hooks');

export interface LifecycleHookFunctionProps {
  /** The handler file, in {@link DEPLOY_HOOKS_DIR}, whose `handler` export answers ECS. */
  readonly entry: string;
  /** The deployment stages ECS invokes the function at. */
  readonly stages: ecs.DeploymentLifecycleStage[];
  /** What the function does, for the console. */
  readonly description: string;
  /** The VPC whose private subnets the function runs in (a security group with no egress unless the caller adds some). */
  readonly vpc: ec2.IVpc;
  /** Lambda stops the function after this; a hook that does not answer rolls the deployment back. */
  readonly timeout: Duration;
  readonly environment?: Record<string, string>;
  /** How long the function's log (its decisions and their reasons) is kept; the group itself is retained with the stack. */
  readonly logRetention: logs.RetentionDays;
  /**
   * KMS key that encrypts the function's log group.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
}

/**
 * A Lambda function ECS invokes at deployment lifecycle stages, to approve or fail a deployment
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/lambda-lifecycle-hooks.html). The
 * handler is bundled with esbuild at synth from its TypeScript file; the function runs in the VPC's
 * private subnets behind its own security group (no egress until the caller names a destination),
 * logs to its own log group (retained), and ECS invokes it through a role that may invoke this function only
 * (aws-cdk-lib `DeploymentLifecycleLambdaTarget`). Add it to a service with
 * `service.addLifecycleHook(hook.target)`.
 */
export class LifecycleHookFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly securityGroup: ec2.SecurityGroup;
  readonly logGroup: logs.LogGroup;
  readonly target: ecs.DeploymentLifecycleLambdaTarget;

  constructor(scope: Construct, id: string, props: LifecycleHookFunctionProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Deployment hook ${id}: no egress but what the stack names`,
      allowAllOutbound: false,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.logEncryptionKey,
      // The hook's decisions (which deployment it refused or let through, and why) are evidence: like
      // break-glass's session log, the group outlives the hook being turned off and the stack, and its
      // events still expire after `logRetention`. Unnamed, so a later deployment makes a new one.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The function's own role: its log group and the network interfaces Lambda attaches in the VPC,
    // nothing else (in place of the AWS managed AWSLambdaBasicExecutionRole, which writes to any log
    // group, and AWSLambdaVPCAccessExecutionRole).
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(role);
    role.addToPolicy(
      new iam.PolicyStatement({
        // https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions:
        // the function's role needs these to attach it to the VPC; the EC2 API offers no resource-level
        // permission for the Describe calls, and the ENIs do not exist before Lambda creates them.
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }),
    );
    const reason =
      "Lambda attaches a VPC function through the function's own role: the ENI and Describe calls it needs have no resource-level " +
      'permissions before the interface exists (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html).';
    Validations.of(role).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason });
    Validations.of(role).acknowledge({ id: 'secure-ecs-audit::IAM-WC-01', reason });
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      role,
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout,
      environment: props.environment,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      logGroup: this.logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      // The local esbuild (a devDependency), never Docker: synth stays offline and fast. The AWS SDK
      // clients a hook imports are bundled at the versions package-lock.json pins (NodejsFunction
      // would otherwise leave @aws-sdk/* to the runtime's copy, whose version Lambda chooses and may
      // predate an API a hook calls, such as ECR DescribeImageSigningStatus).
      bundling: { minify: true, sourceMap: false, target: 'node24', forceDockerBundling: false, logLevel: nodejs.LogLevel.WARNING, externalModules: [] },
    });
    // ECS invokes the function (the unqualified ARN the hook names) through this role, and may invoke nothing else.
    const invoker = new iam.Role(this, 'InvokeRole', { assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com') });
    invoker.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }));
    this.target = new ecs.DeploymentLifecycleLambdaTarget(this.function, `${id}Target`, { lifecycleStages: props.stages, role: invoker });
  }
}
