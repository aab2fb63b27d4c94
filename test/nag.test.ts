import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';
import { define, synth } from './helpers/synth';

test('cdk-nag AwsSolutions reports no unacknowledged error (synth fails on one)', () => {
  // WHEN: synth() registers the AwsSolutions pack as a validation plugin, as bin/app.ts does, and
  // synthesizes. THEN: a validation failure would throw here.
  expect(() => synth()).not.toThrow();
});

/** The cdk-nag acknowledgements on `constructs` as [rule id, reason]. */
function nagAcknowledgements(constructs: readonly IConstruct[]): [string, string][] {
  return (
    constructs
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      // Each entry maps rule id -> reason; aws-cdk-lib also records its own CloudFormation-Validate ones.
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .filter(([id]) => id.startsWith('AwsSolutions::'))
  );
}

test('every acknowledgement states why', () => {
  // The acknowledgements are construct metadata, written when the app is defined: no synth needed.
  const { app } = define();
  const acknowledgements = nagAcknowledgements(app.node.findAll());
  expect(acknowledgements.map(([id]) => id).sort()).toEqual([
    'AwsSolutions::AwsSolutions-AS3',
    'AwsSolutions::AwsSolutions-EC23',
    'AwsSolutions::AwsSolutions-ECS2',
    'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
    'AwsSolutions::AwsSolutions-IAM5[Action::ecs:Submit*]',
    'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    'AwsSolutions::AwsSolutions-S1',
  ]);
  for (const [, reason] of acknowledgements) {
    // A reason is a sentence, not a placeholder.
    expect(reason.length).toBeGreaterThan(40);
  }
});

test.each(['mariadb', 'postgres'] as const)(
  'with a %s database and persistent paths: no unacknowledged error, and each acknowledgement on them states why',
  (engine) => {
    const input = { database: { engine }, app: { persistentPaths: [{ path: '/srv/app/uploads' }] } };
    expect(() => synth(input)).not.toThrow();
    const { stack } = define(input);
    const reasons = nagAcknowledgements([stack.database!, stack.persistentStorage!].flatMap((c) => c.node.findAll()));
    expect(reasons.map(([id]) => id).sort()).toEqual([
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      'AwsSolutions::AwsSolutions-RDS11',
      'AwsSolutions::AwsSolutions-RDS3',
    ]);
    for (const [, reason] of reasons) expect(reason.length).toBeGreaterThan(40);
  },
);

test('the nag plugin is live: an unacknowledged violation fails synth', () => {
  // GIVEN the app plus a security group open to the world on SSH
  const { app, stack } = define();
  const sg = new ec2.SecurityGroup(stack, 'OpenSsh', { vpc: stack.network.vpc, description: 'bad on purpose' });
  sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  // THEN
  expect(() => app.synth()).toThrow(/SecureEcsStarter\/OpenSsh[\s\S]*AwsSolutions-EC23/);
});
