import { defineRule, evaluation, findingOn, known, NOT_APPLICABLE } from './_kit';

/**
 * The internet-facing load balancer's group needs this by design: acknowledge it with the reason.
 * Each finding names the resource that declares the rule (the group, or its
 * AWS::EC2::SecurityGroupIngress), which is where it is fixed. Ranges are parsed, so every
 * spelling of `::/0` counts (lib/audit/sources/address-range.ts).
 */
export default defineRule({
  id: 'EC2-SG-01',
  severity: 'high',
  title: 'World-open instance SG',
  sources: ['cdk-nag AwsSolutions-EC23', 'checkov CKV_AWS_24 (22), CKV_AWS_25 (3389), CKV_AWS_260 (80)', 'Security Hub EC2.18, EC2.19'],
  fix: "Allow only the sources that need access (the load balancer's security group, a VPN range).",
  inputs: ['template'],
  check(model) {
    if (model.securityGroups.length === 0) return NOT_APPLICABLE;
    return evaluation(
      model.securityGroups.flatMap((sg) =>
        sg.ingress
          .filter((r) => r.fromAnywhere !== undefined)
          .map((r) => {
            const from = known(r.fromPort);
            const to = known(r.toPort);
            const ports = from === undefined || from === -1 ? 'all ports' : from === to || to === undefined ? `port ${from}` : `ports ${from}-${to}`;
            const message = `ingress from ${r.fromAnywhere === 'IPv4' ? '0.0.0.0/0' : '::/0'} (any ${r.fromAnywhere} address) on ${ports}`;
            return findingOn(r.declaredIn.id === sg.id ? sg : r.declaredIn, { message });
          }),
      ),
    );
  },
});
