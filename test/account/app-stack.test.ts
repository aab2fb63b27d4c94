/**
 * The app stack's part of `account.guardDutyRuntimeMonitoring`: the guardduty-data VPC endpoint in
 * the hosts' subnets and, per host OS, what the instance role needs for GuardDuty's agent. Every
 * synthesis here runs cdk-nag and the project audit as bin/app.ts does (they throw on a finding), and
 * the control-tower case the Control Tower guard too.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import type { AppConfigInput } from '../../lib/config/app-config';
import { validateConfig } from '../../lib/config/validate-config';
import { problemsOf } from '../helpers/config-problems';
import { synth } from '../helpers/synth';

const ON = { account: { guardDutyRuntimeMonitoring: true } } as const;
const ALL_ON = { account: { imageSigning: true, enhancedScanning: true, guardDutyRuntimeMonitoring: true } } as const;
const AGENT_REPOSITORY_PULL = {
  Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
  Effect: 'Allow',
  Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':*:repository/aws-guardduty-agent-ecs-ec2']] },
};

function instanceRoleStatements(template: Template): unknown[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes('InstanceRole'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

function expectGuardDutyEndpoint(template: Template): void {
  template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
    ServiceName: 'com.amazonaws.eu-west-1.guardduty-data',
    VpcEndpointType: 'Interface',
    PrivateDnsEnabled: true,
    PolicyDocument: {
      Statement: [
        { Action: '*', Effect: 'Allow', Principal: { AWS: '*' }, Resource: '*' },
        {
          Action: '*',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    },
  });
}

describe.each(['al2023', 'bottlerocket'] as const)('hosts.os %s', (os) => {
  const input = (extra: AppConfigInput): AppConfigInput => ({ ...extra, hosts: { os } });

  test('off (the default): no GuardDuty endpoint and no agent statement', () => {
    const { template } = synth(input({}));
    expect(Object.values(template.findResources('AWS::EC2::VPCEndpoint'))).toHaveLength(0);
    expect(instanceRoleStatements(template)).not.toContainEqual(AGENT_REPOSITORY_PULL);
  });

  test.each([
    ['guardDutyRuntimeMonitoring alone', ON],
    ['every account setting', ALL_ON],
  ])('%s: the guardduty-data endpoint in the private subnets, and the host role GuardDuty needs', (_name, settings) => {
    const { template } = synth(input(settings));
    expectGuardDutyEndpoint(template);
    const endpoint = Object.values(template.findResources('AWS::EC2::VPCEndpoint'))[0];
    expect(JSON.stringify(endpoint.Properties.SubnetIds)).toMatch(/PrivateSubnet/);
    expect(JSON.stringify(endpoint.Properties.SubnetIds)).not.toMatch(/PublicSubnet/);
    // GuardDuty deploys its agent through SSM on both OSes: the role keeps the SSM policy.
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }],
    });
    // Bottlerocket pulls the agent's host container from GuardDuty's repository; AL2023 installs an RPM.
    if (os === 'bottlerocket') expect(instanceRoleStatements(template)).toContainEqual(AGENT_REPOSITORY_PULL);
    else expect(instanceRoleStatements(template)).not.toContainEqual(AGENT_REPOSITORY_PULL);
  });

  test("imageSigning and enhancedScanning alone change nothing in the app stack (they are the account stack's)", () => {
    const base = synth(input({})).template.toJSON();
    expect(synth(input({ account: { imageSigning: true } })).template.toJSON()).toEqual(base);
    expect(synth(input({ account: { enhancedScanning: true } })).template.toJSON()).toEqual(base);
  });

  test('compliance "control-tower" passes its guard, cdk-nag and the audit with every account setting on', () => {
    const { template } = synth({ ...input(ALL_ON), compliance: 'control-tower' });
    expectGuardDutyEndpoint(template);
  });
});

test("Bottlerocket without its control container cannot get GuardDuty's agent: one line names both settings", () => {
  expect(problemsOf(() => validateConfig({ ...ON, hosts: { os: 'bottlerocket', controlContainer: false } }))).toEqual([
    'account.guardDutyRuntimeMonitoring: received true with hosts.os "bottlerocket" and hosts.controlContainer false; expected false, ' +
      'or hosts.controlContainer true (GuardDuty installs its agent through the SSM agent of the control container)',
  ]);
});

test.each([
  [{ account: { imageSigning: 'yes' } }, 'account.imageSigning: received "yes"; expected true or false'],
  [{ account: { enhancedScanning: 1 } }, 'account.enhancedScanning: received 1; expected true or false'],
  [{ account: { guardDutyRuntimeMonitoring: null } }, 'account.guardDutyRuntimeMonitoring: received null; expected true or false'],
  [{ account: { assetsRepositoryName: 'Not/Valid' } }, 'account.assetsRepositoryName: received "Not/Valid"; expected an ECR repository name'],
  [{ account: { signing: true } }, 'account.signing: unknown setting'],
])('%j fails at synth with one line naming setting, value and what is allowed', (input, message) => {
  expect(problemsOf(() => validateConfig(input as AppConfigInput))).toEqual([expect.stringContaining(message)]);
});
