/** ECS agent settings (AG-*): user data of ECS hosts, and the attributes container instances register: compliant, non-compliant and not applicable, from templates and, where the ECS API shows the setting, from API documents. */
import { apiTaskDefinition, hardenedTask, mergeModels } from '../helpers/models';
import { type Cases, ruleSuite } from './harness';
import {
  GOOD_ATTRIBUTES,
  HARDENED_USER_DATA,
  hostNa,
  hostOnlyNa,
  instance,
  instances,
  launchTemplate,
  MINIMAL_USER_DATA,
  taskWith,
  withUserData,
} from './platform-models';

const CASES: Record<string, Cases> = {
  'AG-PRIV-01': {
    field: /ECS_DISABLE_PRIVILEGED=true|capability\.privileged-container/,
    compliant: [
      ['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)],
      ['API: no privileged capability', instances(instance(GOOD_ATTRIBUTES))],
    ],
    nonCompliant: [
      ['template: minimal user data', () => launchTemplate(MINIMAL_USER_DATA)],
      ['template: only a comment names it', () => launchTemplate(`${MINIMAL_USER_DATA}# ECS_DISABLE_PRIVILEGED=true\n`)],
      // One reader with the local runner (lib/cfn/agent-settings.ts): the last assignment wins, as in ecs.config.
      [
        'template: set true, then false',
        () =>
          launchTemplate(
            `${MINIMAL_USER_DATA}echo ECS_DISABLE_PRIVILEGED=true >> /etc/ecs/ecs.config\necho ECS_DISABLE_PRIVILEGED=false >> /etc/ecs/ecs.config\n`,
          ),
      ],
      ['API: privileged-container registered', instances(instance([...GOOD_ATTRIBUTES, 'com.amazonaws.ecs.capability.privileged-container']))],
    ],
    notApplicable: hostNa,
  },
  'AG-IMDS-01': {
    field: /ECS_AWSVPC_BLOCK_IMDS=true|task-eni-block-instance-metadata/,
    compliant: [
      ['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)],
      ['API: block attribute', instances(instance(GOOD_ATTRIBUTES))],
    ],
    nonCompliant: [
      ['template: minimal user data', () => launchTemplate(MINIMAL_USER_DATA)],
      ['API: block attribute missing', instances(instance(['ecs.capability.task-eni']))],
    ],
    notApplicable: hostNa,
  },
  'AG-IMDS-02': {
    field: /iptables rule .* hop limit/,
    compliant: [
      [
        'template: hardened user data, hop 2',
        () => launchTemplate(HARDENED_USER_DATA, { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } }),
      ],
      [
        'template: FORWARD on docker+',
        () =>
          launchTemplate(`${MINIMAL_USER_DATA}iptables --insert FORWARD 1 --in-interface docker+ --destination 169.254.169.254/32 --jump DROP\n`, {
            MetadataOptions: { HttpTokens: 'required' },
          }),
      ],
      ['template: no rule but hop limit 1', () => launchTemplate(MINIMAL_USER_DATA)],
    ],
    nonCompliant: [
      ['template: no rule, hop limit 2', () => launchTemplate(MINIMAL_USER_DATA, { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } })],
    ],
    notApplicable: [...hostNa, ['API only (not visible through ECS)', instances(instance(GOOD_ATTRIBUTES))]],
  },
  'AG-IMDS-03': {
    field: /ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=true|task-iam-role-network-host/,
    compliant: [
      ['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)],
      ['API: no host-network attribute', instances(instance(GOOD_ATTRIBUTES))],
    ],
    nonCompliant: [
      ['template: network host creds on', () => launchTemplate(`${MINIMAL_USER_DATA}echo ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=true >> /etc/ecs/ecs.config\n`)],
      ['API: attribute registered', instances(instance([...GOOD_ATTRIBUTES, 'com.amazonaws.ecs.capability.task-iam-role-network-host']))],
    ],
    notApplicable: hostNa,
  },
  'AG-ROLE-01': {
    field: /ECS_ENABLE_TASK_IAM_ROLE=false|capability\.task-iam-role/,
    compliant: [
      ['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)],
      ['API: task-iam-role registered', instances(instance(GOOD_ATTRIBUTES))],
    ],
    nonCompliant: [
      ['template: disabled', () => launchTemplate(`${MINIMAL_USER_DATA}echo ECS_ENABLE_TASK_IAM_ROLE=false >> /etc/ecs/ecs.config\n`)],
      ['API: missing', instances(instance(['ecs.capability.task-eni']))],
    ],
    notApplicable: hostNa,
  },
  'AG-AUTH-01': {
    field: /ECS_ENGINE_AUTH_DATA/,
    compliant: [['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)]],
    nonCompliant: [
      ['template: auth data', () => launchTemplate(`${MINIMAL_USER_DATA}echo 'ECS_ENGINE_AUTH_DATA={"r":{"auth":"x"}}' >> /etc/ecs/ecs.config\n`)],
    ],
    notApplicable: hostOnlyNa(),
  },
  'AG-PIDS-01': {
    field: /ECS_TASK_PIDS_LIMIT/,
    compliant: [['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)]],
    nonCompliant: [['template: minimal user data', () => launchTemplate(MINIMAL_USER_DATA)]],
    notApplicable: hostOnlyNa(),
  },
  'AG-INTRO-01': {
    field: /ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS=true|ECS_SKIP_LOCALHOST_TRAFFIC_FILTER=true/,
    compliant: [['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)]],
    nonCompliant: [
      ['template: off-host introspection', withUserData('echo ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS=true >> /etc/ecs/ecs.config')],
      ['template: skip filter', withUserData('echo ECS_SKIP_LOCALHOST_TRAFFIC_FILTER=true >> /etc/ecs/ecs.config')],
    ],
    notApplicable: hostOnlyNa(),
  },
  'AG-MAC-01': {
    field: /dockerSecurityOptions ".*" needs ECS_(APPARMOR|SELINUX)_CAPABLE=true/,
    compliant: [
      ['template: no MAC options', () => mergeModels(launchTemplate(HARDENED_USER_DATA), apiTaskDefinition(hardenedTask()))],
      [
        'template: SELinux capable',
        () =>
          mergeModels(
            launchTemplate(`${MINIMAL_USER_DATA}echo ECS_SELINUX_CAPABLE=true >> /etc/ecs/ecs.config\n`),
            taskWith((c) => c.dockerSecurityOptions.push('label:type:container_t')),
          ),
      ],
      [
        'API: selinux attribute',
        () =>
          mergeModels(
            instances(instance([...GOOD_ATTRIBUTES, 'com.amazonaws.ecs.capability.selinux']))(),
            taskWith((c) => c.dockerSecurityOptions.push('label:type:container_t')),
          ),
      ],
    ],
    nonCompliant: [
      [
        'template: label option, agent not capable',
        () =>
          mergeModels(
            launchTemplate(HARDENED_USER_DATA),
            taskWith((c) => c.dockerSecurityOptions.push('label:type:container_t')),
          ),
      ],
      [
        'API: apparmor option, no attribute',
        () =>
          mergeModels(
            instances(instance(GOOD_ATTRIBUTES))(),
            taskWith((c) => c.dockerSecurityOptions.push('apparmor:docker-default')),
          ),
      ],
    ],
    notApplicable: [
      ['no hosts', () => apiTaskDefinition(hardenedTask())],
      ['no task definitions', () => launchTemplate(HARDENED_USER_DATA)],
    ],
  },
};

ruleSuite(['AG'], CASES);
