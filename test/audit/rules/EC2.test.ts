/** EC2 hosts, security groups and volumes (EC2-*): compliant, non-compliant and not applicable, from templates and, where the ECS API shows the setting, from API documents. */
import { RULES } from '../../../lib/audit/rules';
import { dockerfile, templateModel } from '../helpers/models';
import { type Cases, ruleSuite } from './harness';
import { HARDENED_USER_DATA, launchTemplate, MINIMAL_USER_DATA, onlyTemplate, securityGroup } from './platform-models';

const CASES: Record<string, Cases> = {
  'EC2-IMDS-01': {
    field: /MetadataOptions\.HttpTokens/,
    compliant: [['template: required', () => launchTemplate(MINIMAL_USER_DATA)]],
    nonCompliant: [
      ['template: optional', () => launchTemplate(MINIMAL_USER_DATA, { MetadataOptions: { HttpTokens: 'optional' } })],
      [
        'template: launch configuration without options',
        () => templateModel({ Lc: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: { ImageId: 'ami-1', InstanceType: 't3.small' } } }),
      ],
    ],
    notApplicable: [
      ...onlyTemplate,
      [
        'template: an instance from a launch template (checked on the template)',
        () => templateModel({ I: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } } } }),
      ],
    ],
  },
  'EC2-IMDS-02': {
    field: /HttpPutResponseHopLimit/,
    compliant: [
      ['template: hop 1', () => launchTemplate(MINIMAL_USER_DATA)],
      [
        'template: non-ECS host without a hop limit',
        () => templateModel({ Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } } } } }),
      ],
    ],
    nonCompliant: [
      ['template: hop 2', () => launchTemplate(MINIMAL_USER_DATA, { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } })],
      ['template: ECS host, unset', () => launchTemplate(MINIMAL_USER_DATA, { MetadataOptions: { HttpTokens: 'required' } })],
    ],
    notApplicable: onlyTemplate,
  },
  'EC2-EBS-01': {
    field: /EBS volume \/dev\/\w+ is not encrypted/,
    compliant: [
      ['template: encrypted', () => launchTemplate(MINIMAL_USER_DATA)],
      ['template: "true" string', () => launchTemplate(MINIMAL_USER_DATA, { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: 'true' } }] })],
    ],
    nonCompliant: [
      ['template: not encrypted', () => launchTemplate(MINIMAL_USER_DATA, { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30 } }] })],
    ],
    notApplicable: onlyTemplate,
  },
  'EC2-PUB-01': {
    field: /AssociatePublicIpAddress/,
    compliant: [['template: false', () => launchTemplate(MINIMAL_USER_DATA)]],
    nonCompliant: [
      ['template: launch template', () => launchTemplate(MINIMAL_USER_DATA, { NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true }] })],
      [
        'template: launch configuration',
        () => templateModel({ Lc: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: { AssociatePublicIpAddress: true } } }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'EC2-SG-01': {
    field: /ingress from (0\.0\.0\.0\/0|::\/0)/,
    compliant: [['template: VPC range', () => securityGroup([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }])]],
    nonCompliant: [
      ['template: 0.0.0.0/0', () => securityGroup([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }])],
      [
        'template: ::/0 in a separate ingress resource',
        () =>
          templateModel({
            Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } },
            In: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['Sg', 'GroupId'] }, IpProtocol: '-1', CidrIpv6: '::/0' } },
          }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'EC2-MON-01': {
    field: /detailed monitoring/,
    compliant: [
      ['template: enabled', () => launchTemplate(MINIMAL_USER_DATA)],
      ['template: launch configuration default', () => templateModel({ Lc: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: {} } })],
    ],
    nonCompliant: [['template: disabled', () => launchTemplate(MINIMAL_USER_DATA, { Monitoring: { Enabled: false } })]],
    notApplicable: onlyTemplate,
  },
  'EC2-UD-01': {
    field: /user data contains an? (AWS access key id|password)/,
    compliant: [
      ['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)],
      ['template: password from a variable', () => launchTemplate(`${MINIMAL_USER_DATA}DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db)\n`)],
    ],
    nonCompliant: [
      ['template: access key', () => launchTemplate(`${MINIMAL_USER_DATA}export AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP\n`)],
      ['template: literal password', () => launchTemplate(`${MINIMAL_USER_DATA}DB_PASSWORD=hunter22\n`)],
    ],
    notApplicable: [['no user data', () => templateModel({ Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: {} } } })]],
  },
  'EC2-SG-02': {
    field: /without a Description/,
    compliant: [
      [
        'template: every rule described',
        () => securityGroup([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16', Description: 'VPC clients' }]),
      ],
    ],
    nonCompliant: [
      ['template: inline rule without a description', () => securityGroup([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }])],
      [
        'template: a separate egress resource without one',
        () =>
          templateModel({
            Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } },
            Out: { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: { Ref: 'Sg' }, IpProtocol: '-1', CidrIp: '0.0.0.0/0' } },
          }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'EC2-VOL-01': {
    field: /Encrypted/,
    compliant: [['template: encrypted', () => templateModel({ V: { Type: 'AWS::EC2::Volume', Properties: { Encrypted: true, Size: 10 } } })]],
    nonCompliant: [
      ['template: not set', () => templateModel({ V: { Type: 'AWS::EC2::Volume', Properties: { Size: 10 } } })],
      ['template: "false"', () => templateModel({ V: { Type: 'AWS::EC2::Volume', Properties: { Encrypted: 'false' } } })],
    ],
    notApplicable: onlyTemplate,
  },
};

ruleSuite(['EC2'], CASES);

test('secret messages name the variable, never the value', () => {
  const models = [
    launchTemplate(`${MINIMAL_USER_DATA}DB_PASSWORD=hunter22\n`),
    dockerfile('FROM debian:13\nENV DB_PASSWORD=hunter22\n'),
    launchTemplate(`${MINIMAL_USER_DATA}echo 'ECS_ENGINE_AUTH_DATA=hunter22' >> /etc/ecs/ecs.config\n`),
  ];
  const messages = models.flatMap((m) => RULES.flatMap((r) => r.check(m).findings.map((f) => f.message)));
  expect(messages.length).toBeGreaterThan(0);
  expect(messages.join('\n')).not.toContain('hunter22');
});
