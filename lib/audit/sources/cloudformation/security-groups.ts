/**
 * Security groups (rules EC2-SG-*): `AWS::EC2::SecurityGroup` with its inline rules, and the
 * standalone `SecurityGroupIngress`/`SecurityGroupEgress` resources joined to the group they name.
 */
import type { AuditModel, IngressRule, Maybe, SecurityGroup } from '../../model';
import { wholeAddressSpace } from '../address-range';
import { num, obj, str } from '../ecs-document';
import { isIntrinsic, refTarget, toList } from '../../../cfn/values';
import type { Doc, TemplateContext } from './context';
import { normalizeCfn } from './normalize';

type Egress = SecurityGroup['egress'][number];
type Group = { description?: Maybe<string>; ingress: IngressRule[]; egress: Egress[] };

export function securityGroupResources(ctx: TemplateContext): Partial<AuditModel> {
  const ingress = (rule: Doc, logicalId: string): IngressRule => ({
    declaredIn: ctx.declaredIn(logicalId),
    cidrIp: str(normalizeCfn(rule.CidrIp)),
    cidrIpv6: str(normalizeCfn(rule.CidrIpv6)),
    fromAnywhere: wholeAddressSpace(rule.CidrIp) ?? wholeAddressSpace(rule.CidrIpv6),
    description: str(normalizeCfn(rule.Description)),
    ipProtocol: str(normalizeCfn(rule.IpProtocol)),
    fromPort: num(normalizeCfn(rule.FromPort)),
    toPort: num(normalizeCfn(rule.ToPort)),
  });
  const egress = (rule: Doc, logicalId: string): Egress => ({ declaredIn: ctx.declaredIn(logicalId), description: str(normalizeCfn(rule.Description)) });
  const groups = new Map<string, Group>();
  for (const [logicalId, props] of ctx.ofType('AWS::EC2::SecurityGroup')) {
    groups.set(logicalId, {
      description: str(normalizeCfn(props.GroupDescription)),
      ingress: rules(props.SecurityGroupIngress).map((r) => ingress(r, logicalId)),
      egress: rules(props.SecurityGroupEgress).map((r) => egress(r, logicalId)),
    });
  }
  for (const [type, direction] of [
    ['AWS::EC2::SecurityGroupIngress', 'ingress'],
    ['AWS::EC2::SecurityGroupEgress', 'egress'],
  ] as const) {
    for (const [logicalId, props] of ctx.ofType(type)) {
      const target = refTarget(props.GroupId);
      const group = (target ? groups.get(target) : undefined) ?? { ingress: [], egress: [] };
      if (!target || !groups.has(target)) groups.set(logicalId, group);
      if (direction === 'ingress') group.ingress.push(ingress(props, logicalId));
      else group.egress.push(egress(props, logicalId));
    }
  }
  return { securityGroups: [...groups].map(([logicalId, group]) => ({ id: ctx.id(logicalId), origin: ctx.origin(logicalId), ...group })) };
}

/** A conditional rule list (`Fn::If`) or rule (`Fn::If` item) is unknown: it yields no rule to judge. */
function rules(value: unknown): Doc[] {
  if (isIntrinsic(value)) return [];
  return toList(value)
    .filter((r) => !isIntrinsic(r) && obj(r) !== undefined)
    .map((r) => obj(r)!);
}
