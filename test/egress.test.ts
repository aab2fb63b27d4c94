/** egress: the task's security group allows only the destinations the configuration names (README "Egress"). */
import type { Template } from 'aws-cdk-lib/assertions';
import { synth } from './helpers/synth';

/** Every egress rule of the task security group, inline or standalone, as protocol/port/destination. */
function taskEgress(template: Template): string[] {
  const groups = template.findResources('AWS::EC2::SecurityGroup');
  const [taskId, task] = Object.entries(groups).find(([id]) => id.startsWith('WebTaskSecurityGroup'))!;
  const inline = (task.Properties.SecurityGroupEgress ?? []).map((r: any) => `${r.IpProtocol}/${r.FromPort}-${r.ToPort} ${r.CidrIp}`);
  const standalone = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress'))
    .filter((r) => r.Properties.GroupId['Fn::GetAtt']?.[0] === taskId)
    .map(
      (r) =>
        `${r.Properties.IpProtocol}/${r.Properties.FromPort}-${r.Properties.ToPort} ${r.Properties.DestinationSecurityGroupId['Fn::GetAtt'][0].replace(/[0-9A-F]{8}$/, '')}`,
    );
  return [...inline, ...standalone];
}

test('by default the task reaches nothing: only the match-nothing placeholder', () => {
  expect(taskEgress(synth().template)).toEqual(['icmp/252-86 255.255.255.255/32']);
});

test('egress.internetHttps adds HTTPS to any address, and nothing else', () => {
  expect(taskEgress(synth({ egress: { internetHttps: true } }).template)).toEqual(['tcp/443-443 0.0.0.0/0']);
});

test('a database and persistent paths add their own security groups on their ports only, whatever egress.internetHttps says', () => {
  const template = synth({ database: { engine: 'mariadb' }, app: { persistentPaths: [{ path: '/srv/app/uploads' }] } }).template;
  expect(taskEgress(template).sort()).toEqual(['tcp/2049-2049 PersistentStorageSecurityGroup', 'tcp/3306-3306 DatabaseSecurityGroup']);
});
