/** Host hardening in user data (HD-*): compliant, non-compliant and not applicable, from templates and, where the ECS API shows the setting, from API documents. */
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
  withUserData,
} from './platform-models';

const CASES: Record<string, Cases> = {
  'HD-AUD-01': {
    field: /auditd rules/,
    compliant: [['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)]],
    nonCompliant: [
      ['template: no audit rules', () => launchTemplate(MINIMAL_USER_DATA)],
      ['template: some paths', () => launchTemplate(`${MINIMAL_USER_DATA}echo '-w /usr/bin/dockerd -k docker' > /etc/audit/rules.d/docker.rules\n`)],
    ],
    notApplicable: hostOnlyNa(),
  },
  'HD-DMN-01': {
    field: /Docker daemon .*(insecure registries|tlsverify)/,
    compliant: [
      ['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)],
      ['template: no daemon.json', () => launchTemplate(MINIMAL_USER_DATA)],
    ],
    nonCompliant: [
      ['template: insecure registry', withUserData(`echo '{"insecure-registries": ["r:5000"]}' > /etc/docker/daemon.json`)],
      ['template: tcp without TLS', withUserData(`echo '{"hosts": ["tcp://0.0.0.0:2375"]}' > /etc/docker/daemon.json`)],
    ],
    notApplicable: hostOnlyNa(),
  },
  'HD-DMN-02': {
    field: /daemon\.json lacks/,
    compliant: [['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)]],
    nonCompliant: [['template: minimal user data', () => launchTemplate(MINIMAL_USER_DATA)]],
    notApplicable: hostOnlyNa(),
  },
  'HD-PART-01': {
    field: /\/var\/lib\/docker/,
    compliant: [
      [
        'template: second volume mounted at /var/lib/docker',
        () =>
          launchTemplate(`${MINIMAL_USER_DATA}mkfs -t xfs /dev/xvdb && mount /dev/xvdb /var/lib/docker\n`, {
            BlockDeviceMappings: [
              { DeviceName: '/dev/xvda', Ebs: { Encrypted: true } },
              { DeviceName: '/dev/xvdb', Ebs: { Encrypted: true } },
            ],
          }),
      ],
    ],
    nonCompliant: [['template: root volume only', () => launchTemplate(HARDENED_USER_DATA)]],
    notApplicable: hostOnlyNa(),
  },
  'HD-AMI-01': {
    field: /ECS agent \S+ is older|SSM parameter|AMI is pinned/,
    compliant: [
      ['template: recommended SSM parameter', () => launchTemplate(HARDENED_USER_DATA)],
      ['API: one agent version', instances(instance(GOOD_ATTRIBUTES, '1.90.0', 'i-1'), instance(GOOD_ATTRIBUTES, '1.90.0', 'i-2'))],
    ],
    nonCompliant: [
      ['template: pinned AMI', () => launchTemplate(HARDENED_USER_DATA, { ImageId: 'ami-0123456789abcdef0' })],
      [
        'template: other parameter',
        () =>
          launchTemplate(
            HARDENED_USER_DATA,
            {},
            {
              Ami: {
                Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
                Default: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
              },
            },
          ),
      ],
      ['API: an older agent than its peers', instances(instance(GOOD_ATTRIBUTES, '1.89.2', 'i-1'), instance(GOOD_ATTRIBUTES, '1.90.0', 'i-2'))],
    ],
    notApplicable: hostNa,
  },
};

ruleSuite(['HD'], CASES);
