import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { HostsConfig } from '../config/app-config';

/** The hardening script, kept as a plain file so shellcheck and humans can read it (test/host-user-data.test.ts). */
export const INSTANCE_USER_DATA_SCRIPT = path.join(__dirname, '..', 'host', 'instance-user-data.sh');

/** Daemon-wide default ulimits (CIS Docker 2.8); task definitions set their own per container. */
const DOCKER_DEFAULT_ULIMITS = { nofileSoft: 32768, nofileHard: 65536, nprocSoft: 4096, nprocHard: 8192 };

export interface HostUserDataProps {
  /** Name of the cluster the instance joins (usually a token). */
  readonly clusterName: string;
  readonly config: HostsConfig;
}

/**
 * Linux user data for the container instances: the variables the script needs, then the script.
 *
 * Variables are single-quoted shell assignments; the cluster name is a CloudFormation token that
 * resolves to a plain name (letters, digits, hyphens, underscores), so quoting is safe.
 */
export function hostUserData(props: HostUserDataProps): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  const vars: Record<string, string> = {
    ECS_CLUSTER_NAME: props.clusterName,
    ECS_TASK_PIDS_LIMIT: String(props.config.taskPidsLimit),
    ECS_CONTAINER_STOP_TIMEOUT: `${props.config.containerStopTimeoutSeconds}s`,
    DOCKER_NOFILE_SOFT: String(DOCKER_DEFAULT_ULIMITS.nofileSoft),
    DOCKER_NOFILE_HARD: String(DOCKER_DEFAULT_ULIMITS.nofileHard),
    DOCKER_NPROC_SOFT: String(DOCKER_DEFAULT_ULIMITS.nprocSoft),
    DOCKER_NPROC_HARD: String(DOCKER_DEFAULT_ULIMITS.nprocHard),
  };
  userData.addCommands(
    ...Object.entries(vars).map(([name, value]) => `export ${name}='${value}'`),
    readFileSync(INSTANCE_USER_DATA_SCRIPT, 'utf8').replace(/^#!.*\n/, ''),
  );
  return userData;
}
