/**
 * Audit rules on Bottlerocket hosts: TOML user data in a launch template (the shape
 * lib/constructs/ec2-capacity.ts writes), compliant and non-compliant settings.
 */
import { RULES } from '../../lib/audit/rules';
import { stringify } from 'smol-toml';
import { templateModel } from './helpers/models';

const SAFE = {
  ecs: { cluster: 'c', 'allow-privileged-containers': false, 'awsvpc-block-imds': true },
  'host-containers': { admin: { enabled: false }, control: { enabled: true } },
};

function host(settings: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return templateModel({
    Lt: {
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: {
        LaunchTemplateData: {
          UserData: { 'Fn::Base64': stringify({ settings }) },
          MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
          BlockDeviceMappings: [
            { DeviceName: '/dev/xvda', Ebs: { Encrypted: true } },
            { DeviceName: '/dev/xvdb', Ebs: { Encrypted: true, VolumeSize: 30 } },
          ],
          ...extra,
        },
      },
    },
  });
}
const rule = (id: string) => RULES.find((r) => r.id === id)!;
const messages = (id: string, model: ReturnType<typeof host>) =>
  rule(id)
    .check(model)
    .findings.map((f) => f.message);

test('the TOML user data makes an ECS host with Bottlerocket settings', () => {
  const model = host(SAFE);
  expect(model.hosts[0].ecs).toBe(true);
  expect(model.hosts[0].bottlerocket).toEqual(SAFE);
});

test('BR-PRIV-01: privileged containers allowed is a finding; false or unset is compliant', () => {
  expect(messages('BR-PRIV-01', host({ ...SAFE, ecs: { ...SAFE.ecs, 'allow-privileged-containers': true } }))).toEqual([
    'Bottlerocket settings set settings.ecs.allow-privileged-containers = true: privileged tasks can run here',
  ]);
  expect(rule('BR-PRIV-01').check(host(SAFE)).compliance).toBe('compliant');
  expect(rule('BR-PRIV-01').check(host({ ecs: { cluster: 'c' } })).compliance).toBe('compliant');
});

test('BR-ADMIN-01: the admin container on is a finding; off or unset is compliant', () => {
  expect(messages('BR-ADMIN-01', host({ ...SAFE, 'host-containers': { admin: { enabled: true } } }))).toHaveLength(1);
  expect(rule('BR-ADMIN-01').check(host(SAFE)).compliance).toBe('compliant');
  expect(rule('BR-ADMIN-01').check(host({ ecs: { cluster: 'c' } })).compliance).toBe('compliant');
});

test('the BR rules are not applicable to a script host', () => {
  const script = templateModel({
    Lt: {
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: { LaunchTemplateData: { UserData: { 'Fn::Base64': '#!/bin/bash\necho ECS_CLUSTER=c >> /etc/ecs/ecs.config\n' } } },
    },
  });
  expect(script.hosts[0].bottlerocket).toBeUndefined();
  expect(rule('BR-PRIV-01').check(script).compliance).toBe('not-applicable');
  expect(rule('BR-ADMIN-01').check(script).compliance).toBe('not-applicable');
});

test('AG-IMDS-01 reads settings.ecs.awsvpc-block-imds', () => {
  expect(rule('AG-IMDS-01').check(host(SAFE)).compliance).toBe('compliant');
  expect(messages('AG-IMDS-01', host({ ecs: { cluster: 'c' } }))).toEqual(['Bottlerocket settings do not set settings.ecs.awsvpc-block-imds = true']);
});

test('AG-IMDS-02 on Bottlerocket: only the hop limit can block bridge tasks', () => {
  expect(rule('AG-IMDS-02').check(host(SAFE)).compliance).toBe('compliant');
  expect(messages('AG-IMDS-02', host(SAFE, { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } }))[0]).toMatch(
    /hop limit is 2: set it to 1/,
  );
});

test('AG-AUTH-01 flags registry credentials in the settings', () => {
  expect(rule('AG-AUTH-01').check(host(SAFE)).compliance).toBe('compliant');
  const withCreds = host({ ...SAFE, 'container-registry': { credentials: [{ registry: 'docker.io', auth: 'x' }] } });
  expect(rule('AG-AUTH-01').check(withCreds).compliance).toBe('non-compliant');
});

test('HD-PART-01: compliant with the data volume mapped, a finding without it', () => {
  expect(rule('HD-PART-01').check(host(SAFE)).compliance).toBe('compliant');
  expect(messages('HD-PART-01', host(SAFE, { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true } }] }))).toEqual([
    'the Bottlerocket data volume (/dev/xvdb) is not mapped',
  ]);
});

test('script-only host rules are not applicable to a Bottlerocket host', () => {
  for (const id of ['HD-AUD-01', 'HD-DMN-01', 'HD-DMN-02', 'AG-PRIV-01', 'AG-INTRO-01', 'AG-ROLE-01']) {
    expect([id, rule(id).check(host(SAFE)).compliance]).toEqual([id, 'not-applicable']);
  }
});
