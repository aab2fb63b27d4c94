import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { grantsOnlyForAwsResources } from './data-encryption-key';
import { LogEncryptionKey } from './log-encryption-key';

/**
 * The one path the SSM agent that ECS Exec starts in a container needs to write and a read-only root
 * lacks: its data directory (DefaultDataStorePath in aws/amazon-ssm-agent
 * agent/appconfig/constants_unix.go), where it keeps its IPC and session orchestration files and
 * where `script` writes the session transcript it uploads. Everything else it touches the ECS
 * agent bind-mounts at container creation (aws/amazon-ecs-agent
 * agent/engine/execcmd/manager_init_task_linux.go, addRequiredBindMounts):
 * - the agent binaries, its configuration and CA bundle, read-only, under /ecs-execute-command-<uuid>/
 *   (Docker creates those mount points before it makes the root read-only);
 * - /var/log/amazon/ssm (ContainerLogDir), read-write, from the host's /var/log/ecs/exec/<task>/<container>:
 *   so no tmpfs there (a second mount on that path would clash with the agent's).
 * /managed-agents, the third path of the workaround in aws/containers-roadmap#1359, is where the
 * agent lives on Fargate; on EC2 it is a path inside the ECS agent's own container (ecsAgentExecDepsDir),
 * never in a task's.
 */
export const EXEC_AGENT_DATA_PATH = '/var/lib/amazon/ssm';
/**
 * Root only. Docker mounts a tmpfs whose mount point the image lacks with mode 1777 (measured:
 * test/e2e/break-glass-exec.e2e.ts), which would let the app's user plant directories the root agent
 * then writes into, and swap the session transcript before it is uploaded. ECS lists `mode` among
 * the tmpfs mount options (API_Tmpfs, MountOptions) only as the bare word `mode`; the option reaches
 * Docker as written. Not yet registered on ECS by us: whether RegisterTaskDefinition accepts a
 * `key=value` option is inferred from a deployed project that passes `uid=`/`gid=` the same way
 * (ministryofjustice/opg-lpa#3734). If it refuses it, turning `ecsExec.enabled` on fails at deploy
 * with the API's message, and the default template (exec off) is unaffected.
 */
const EXEC_AGENT_DATA_MODE = 'mode=0700' as ecs.TmpfsMountOption;
/**
 * Size of that tmpfs in MiB. Its pages count against the container's memory limit only as they are
 * written; the transcript of a long session is the largest thing in it.
 */
const EXEC_AGENT_DATA_SIZE_MIB = 32;

export interface BreakGlassExecProps {
  /** How long the session log group keeps the sessions. */
  readonly logRetention: logs.RetentionDays;
  /**
   * The key of the stack's log groups, when it has one (compliance "control-tower").
   *
   * @default - a LogEncryptionKey of its own
   */
  readonly logEncryptionKey?: kms.IKey;
}

export interface BreakGlassTarget {
  readonly service: ecs.BaseService;
  readonly taskDefinition: ecs.TaskDefinition;
  /** Every container of the task: ECS starts the SSM agent in each. */
  readonly containers: readonly ecs.ContainerDefinition[];
  /** The tasks' security group. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The tasks may already reach HTTPS anywhere (egress.internetHttps): no second rule. */
  readonly internetHttpsEgress: boolean;
}

/**
 * Break-glass ECS Exec (README "Break-glass ECS Exec"), made only when `ecsExec.enabled` is on:
 * session data encrypted with its own KMS key, every session logged to a KMS-encrypted log group
 * (logging OVERRIDE, encryption required), and, through {@link enableOn}, the service's
 * enableExecuteCommand, the task role's permissions for exactly that, a tmpfs for the SSM agent's
 * data in each container, and HTTPS egress for the agent. What it needs and grants follows
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html ("IAM permissions
 * required for ECS Exec", "Logging and auditing using ECS Exec").
 */
export class BreakGlassExec extends Construct {
  /** Encrypts the session's data channel: users call kms:GenerateDataKey, the task's agent kms:Decrypt. */
  readonly sessionKey: kms.Key;
  readonly logGroup: logs.LogGroup;
  /** For the cluster (ecs.ClusterProps.executeCommandConfiguration). */
  readonly clusterConfiguration: ecs.ExecuteCommandConfiguration;

  constructor(scope: Construct, id: string, props: BreakGlassExecProps) {
    super(scope, id);
    this.sessionKey = new kms.Key(this, 'SessionKey', {
      description: 'Encrypts ECS Exec (break-glass) session data of this stack',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      // Nothing at rest is encrypted with it: a session's data lives as long as the session.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.sessionKey.addToResourcePolicy(grantsOnlyForAwsResources());
    this.logGroup = new logs.LogGroup(this, 'SessionLogs', {
      encryptionKey: props.logEncryptionKey ?? new LogEncryptionKey(this, 'SessionLogKey'),
      retention: props.logRetention,
      // The record of what was done during an incident outlives turning break-glass off.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.clusterConfiguration = {
      kmsKey: this.sessionKey,
      logging: ecs.ExecuteCommandLogging.OVERRIDE,
      logConfiguration: { cloudWatchLogGroup: this.logGroup, cloudWatchEncryptionEnabled: true },
    };
  }

  /** Turn ECS Exec on for the service of a cluster made with {@link clusterConfiguration}. */
  enableOn(target: BreakGlassTarget): void {
    // L1, so that the task role gets the statements below and not aws-cdk-lib's broader ones
    // (BaseService.enableExecuteCommand also grants kms:GenerateDataKey to the task).
    (target.service.node.defaultChild as ecs.CfnService).enableExecuteCommand = true;

    const role = target.taskDefinition.taskRole;
    for (const statement of [
      // The Session Manager channels the agent opens; ssmmessages has no resource-level permissions.
      {
        sid: 'ExecSessionChannels',
        actions: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
        resources: ['*'],
      },
      // The agent checks that the log group exists and is encrypted before it logs (no resource-level permissions).
      { sid: 'ExecFindSessionLogGroup', actions: ['logs:DescribeLogGroups'], resources: ['*'] },
      { sid: 'ExecWriteSessionLog', actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] },
      { sid: 'ExecDecryptSession', actions: ['kms:Decrypt'], resources: [this.sessionKey.keyArn] },
    ]) {
      target.taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement(statement));
    }

    for (const container of target.containers) {
      container.linuxParameters!.addTmpfs({
        containerPath: EXEC_AGENT_DATA_PATH,
        size: EXEC_AGENT_DATA_SIZE_MIB,
        mountOptions: [ecs.TmpfsMountOption.RW, ecs.TmpfsMountOption.NOEXEC, ecs.TmpfsMountOption.NOSUID, ecs.TmpfsMountOption.NODEV, EXEC_AGENT_DATA_MODE],
      });
    }

    // In an awsvpc task the agent talks from the task's own network interface (amazon-ecs-agent
    // formatSSMAgentConfig: "the task network is used by the SSM Agent"): ssmmessages, logs and kms, over HTTPS.
    if (!target.internetHttpsEgress) {
      target.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'ECS Exec (ecsExec.enabled): the SSM agent reaches ssmmessages, logs and kms');
    }

    const reason =
      'Break-glass ECS Exec is on (ecsExec.enabled): ssmmessages:* channels and logs:DescribeLogGroups have no resource-level ' +
      'permissions; the log and key statements name the session log group and key.';
    Validations.of(role).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason });
    Validations.of(role).acknowledge({ id: 'secure-ecs-audit::IAM-WC-01', reason });
    Validations.of(target.service).acknowledge({
      id: 'secure-ecs-audit::SVC-EXEC-01',
      reason:
        'Break-glass ECS Exec, turned on for an incident with ecsExec.enabled: sessions are KMS-encrypted and logged to an ' +
        'encrypted log group, and the live audit keeps reporting it until it is turned off (README "Break-glass ECS Exec").',
    });
  }
}
