import { known, resourceRule } from './_kit';

/** The internet-facing load balancer's group needs this by design: acknowledge it with the reason. */
export default resourceRule(
  {
    id: 'EC2-SG-01',
    severity: 'high',
    title: 'World-open instance SG',
    sources: ['cdk-nag AwsSolutions-EC23', 'checkov CKV_AWS_24 (22), CKV_AWS_260 (80)'],
    fix: 'Allow only the sources that need access (the load balancer\'s security group, a VPN range).',
    inputs: ['template'],
  },
  (m) => m.securityGroups,
  (sg) =>
    sg.ingress
      .filter((r) => r.cidrIp === '0.0.0.0/0' || r.cidrIpv6 === '::/0')
      .map((r) => {
        const from = known(r.fromPort);
        const to = known(r.toPort);
        const ports = from === undefined ? 'all ports' : from === to || to === undefined ? `port ${from}` : `ports ${from}-${to}`;
        return `ingress from ${r.cidrIp === '0.0.0.0/0' ? '0.0.0.0/0' : '::/0'} on ${ports}`;
      }),
);
