import { stringify } from 'smol-toml';
import { HOST_DEFAULT_ULIMITS } from './daemon-defaults';

/**
 * The host policy of lib/host/instance-user-data.sh, expressed as Bottlerocket settings (TOML user
 * data, read by Bottlerocket's early-boot-config; there is no shell to run a script in).
 *
 * Every key was checked against Bottlerocket's sources (snapshots of bottlerocket-os/bottlerocket
 * 91632ff and bottlerocket-os/bottlerocket-core-kit a10182f, October 2024):
 * - settings.ecs.*: packages/ecs-agent/ecs-base-conf in bottlerocket-core-kit, the template that
 *   turns each setting into the agent's environment (ECS_AWSVPC_BLOCK_IMDS, ECS_CONTAINER_STOP_TIMEOUT,
 *   ECS_LOGLEVEL, ECS_PRIVILEGED_DISABLED = not allow-privileged-containers).
 * - settings.oci-defaults.resource-limits.*: packages/docker-engine/daemon-json (rendered into
 *   dockerd's "default-ulimits") and the rlimit names in sources/api/schnauzer/src/helpers/mod.rs.
 * - settings.host-containers.{admin,control}.enabled and settings.kernel.lockdown: the example user
 *   data in bottlerocket's SECURITY_GUIDANCE.md ("Amazon EC2"), and the variant defaults in
 *   sources/shared-defaults/aws-host-containers.toml and lockdown-integrity.toml.
 * - settings.cloudformation.*: packages/os/cfsignal-toml and sources/cfsignal in
 *   bottlerocket-core-kit (cfsignal.service runs once at first boot and signals SUCCESS when
 *   `systemctl is-system-running` reports a healthy boot, FAILURE otherwise).
 *
 * No setting exists for a per-task PIDs limit (ECS_TASK_PIDS_LIMIT is not in ecs-base-conf) or for
 * ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST (packages/ecs-agent/ecs-defaults.conf fixes it to true);
 * docs/security-model.md "Bottlerocket hosts" lists what has no equivalent.
 */

/** The hosts' default ulimits (lib/host/daemon-defaults.ts) under Bottlerocket's rlimit names. */
const BOTTLEROCKET_DEFAULT_ULIMITS = {
  'max-open-files': { 'soft-limit': HOST_DEFAULT_ULIMITS.nofile.soft, 'hard-limit': HOST_DEFAULT_ULIMITS.nofile.hard },
  'max-processes': { 'soft-limit': HOST_DEFAULT_ULIMITS.nproc.soft, 'hard-limit': HOST_DEFAULT_ULIMITS.nproc.hard },
};

export interface BottlerocketSettingsProps {
  /** Seconds the agent waits after SIGTERM before SIGKILL. */
  readonly containerStopTimeoutSeconds: number;
  /** Run the control host container (the SSM agent: Session Manager access to the host API). */
  readonly controlContainer: boolean;
  /** The stack and the Auto Scaling group's logical id that cfsignal reports to. */
  readonly stackName: string;
  readonly signalResourceLogicalId: string;
}

/** The `settings.ecs` keys this project sets; CDK writes `cluster` itself (MachineImageType.BOTTLEROCKET). */
function bottlerocketEcsSettings(props: BottlerocketSettingsProps): Record<string, string | boolean> {
  return {
    // ECS_PRIVILEGED_DISABLED (ecs-base-conf negates it). false is the variant default
    // (shared-defaults/ecs.toml); written anyway so the user data states the policy and the audit reads it.
    'allow-privileged-containers': false,
    // ECS_AWSVPC_BLOCK_IMDS: awsvpc tasks get no route to 169.254.169.254 (ecs-base-conf default "false").
    'awsvpc-block-imds': true,
    // ECS_CONTAINER_STOP_TIMEOUT, a Go duration as on AL2023.
    'container-stop-timeout': `${props.containerStopTimeoutSeconds}s`,
    // ECS_LOGLEVEL (CIS Docker 2.3's "info" for the agent, as on AL2023).
    loglevel: 'info',
  };
}

/** Every other setting, as a `settings` table. */
function bottlerocketOtherSettings(props: BottlerocketSettingsProps): Record<string, unknown> {
  return {
    kernel: { lockdown: 'integrity' },
    'host-containers': {
      // The admin container is a superpowered shell with SSH (aws-host-containers.toml): off.
      admin: { enabled: false },
      control: { enabled: props.controlContainer },
    },
    'oci-defaults': { 'resource-limits': BOTTLEROCKET_DEFAULT_ULIMITS },
    cloudformation: {
      'should-signal': true,
      'stack-name': props.stackName,
      'logical-resource-id': props.signalResourceLogicalId,
    },
  };
}

/**
 * The TOML user data in two parts, because CDK writes `[settings.ecs]` and `cluster = "…"` between
 * them (aws-ecs cluster.ts, configureAutoScalingGroup, case BOTTLEROCKET): `before` holds every other
 * table, `after` the remaining settings.ecs keys as bare key/value lines, which TOML assigns to the
 * table CDK opened. A second `[settings.ecs]` header would make the document invalid (TOML 1.0:
 * a table may be defined once).
 */
export function bottlerocketUserDataParts(props: BottlerocketSettingsProps): { before: string; after: string } {
  return {
    before: stringify({ settings: bottlerocketOtherSettings(props) }).trimEnd(),
    after: stringify(bottlerocketEcsSettings(props)).trimEnd(),
  };
}
