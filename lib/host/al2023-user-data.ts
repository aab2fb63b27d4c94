import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { HOST_DEFAULT_ULIMITS } from './daemon-defaults';

/** The hardening script, kept as a plain file so shellcheck and humans can read it (test/host-user-data.test.ts). */
export const INSTANCE_USER_DATA_SCRIPT = path.join(__dirname, 'instance-user-data.sh');
/** The helper that signals CloudFormation and marks the instance unhealthy (test/host-report.test.ts). */
export const REPORT_SCRIPT = path.join(__dirname, 'secure-ecs-report.py');

/**
 * The text without its comments, so the user data fits EC2's 16 KB limit
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html); the files keep them.
 * `keepLines` empties comment lines instead of dropping them, so line numbers stay those of the file
 * (the hardening script reports the line that failed).
 */
export function withoutComments(text: string, keepLines = false): string {
  const lines = text.replace(/^("""[\s\S]*?"""\n)/m, '').split('\n');
  const comment = (line: string) => /^\s*#(?!!)/.test(line);
  return (keepLines ? lines.map((l) => (comment(l) ? '' : l)) : lines.filter((l) => !comment(l))).join('\n');
}

export interface HostUserDataProps {
  /** Name of the cluster the instance joins (usually a token). */
  readonly clusterName: string;
  /** Per-task process limit enforced by the ECS agent (ECS_TASK_PIDS_LIMIT). */
  readonly taskPidsLimit: number;
  /** Seconds the agent waits after SIGTERM before SIGKILL (ECS_CONTAINER_STOP_TIMEOUT). */
  readonly containerStopTimeoutSeconds: number;
  /** Region of the stack (the APIs the instance reports to). */
  readonly region: string;
  /** Stack and logical id of the Auto Scaling group that waits for the instance's signal. */
  readonly stackName: string;
  readonly signalResourceLogicalId: string;
  /** Seconds the instance waits for the ECS agent to register before it reports FAILURE. */
  readonly agentRegistrationTimeoutSeconds: number;
}

/**
 * Amazon Linux 2023 user data commands for the container instances: the variables the script needs, the report
 * helper, then the script.
 *
 * Variables are single-quoted shell assignments; the cluster and stack names are CloudFormation
 * tokens that resolve to plain names (letters, digits, hyphens, underscores), so quoting is safe.
 */
export function hostUserDataCommands(props: HostUserDataProps): string[] {
  const vars: Record<string, string> = {
    ECS_CLUSTER_NAME: props.clusterName,
    ECS_TASK_PIDS_LIMIT: String(props.taskPidsLimit),
    ECS_CONTAINER_STOP_TIMEOUT: `${props.containerStopTimeoutSeconds}s`,
    DOCKER_NOFILE_SOFT: String(HOST_DEFAULT_ULIMITS.nofile.soft),
    DOCKER_NOFILE_HARD: String(HOST_DEFAULT_ULIMITS.nofile.hard),
    DOCKER_NPROC_SOFT: String(HOST_DEFAULT_ULIMITS.nproc.soft),
    DOCKER_NPROC_HARD: String(HOST_DEFAULT_ULIMITS.nproc.hard),
    AWS_REGION: props.region,
    CFN_STACK: props.stackName,
    CFN_RESOURCE: props.signalResourceLogicalId,
    AGENT_REGISTRATION_TIMEOUT_SECONDS: String(props.agentRegistrationTimeoutSeconds),
  };
  return [
    ...Object.entries(vars).map(([name, value]) => `export ${name}='${value}'`),
    // First, so that the script's failure path can already report.
    "cat > /usr/local/sbin/secure-ecs-report <<'SECURE_ECS_REPORT'",
    withoutComments(readFileSync(REPORT_SCRIPT, 'utf8')).trimEnd(),
    'SECURE_ECS_REPORT',
    'chmod 0755 /usr/local/sbin/secure-ecs-report',
    // The shebang is CDK's (UserData.forLinux); it becomes an empty line to keep the numbering.
    withoutComments(readFileSync(INSTANCE_USER_DATA_SCRIPT, 'utf8').replace(/^#!.*\n/, '\n'), true),
  ];
}
