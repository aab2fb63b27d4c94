/** Load balancers and listeners (rules ELB-*). */
import { type AuditModel, type Maybe, unknownValue } from '../../model';
import { num, obj, str } from '../ecs-document';
import { isIntrinsic, refTarget, toList } from '../../../cfn/values';
import type { TemplateContext } from './context';
import { normalizeCfn } from './normalize';

export function elbResources(ctx: TemplateContext): Partial<AuditModel> {
  const { id, origin } = ctx;
  const loadBalancers = ctx.ofType('AWS::ElasticLoadBalancingV2::LoadBalancer');
  const loadBalancerIds = new Set(loadBalancers.map(([logicalId]) => logicalId));
  return {
    listeners: ctx.ofType('AWS::ElasticLoadBalancingV2::Listener').map(([logicalId, l]) => {
      const target = refTarget(l.LoadBalancerArn);
      return {
        id: id(logicalId),
        origin: origin(logicalId),
        loadBalancer: target && loadBalancerIds.has(target) ? id(target) : undefined,
        protocol: str(normalizeCfn(l.Protocol)),
        port: num(normalizeCfn(l.Port)),
        sslPolicy: str(normalizeCfn(l.SslPolicy)),
        redirectsToHttps: redirectsToHttps(l.DefaultActions),
      };
    }),
    loadBalancers: loadBalancers.map(([logicalId, props]) => ({
      id: id(logicalId),
      origin: origin(logicalId),
      type: str(normalizeCfn(props.Type)) ?? 'application',
      attributes: attributes(props.LoadBalancerAttributes),
    })),
  };
}

/** `LoadBalancerAttributes` as a map; attributes whose key is not a string are left out. */
function attributes(list: unknown): Record<string, Maybe<string>> {
  const out: Record<string, Maybe<string>> = {};
  for (const a of toList(list)) {
    const attr = obj(a);
    const value = str(normalizeCfn(attr?.Value));
    if (typeof attr?.Key === 'string' && value !== undefined) out[attr.Key] = value;
  }
  return out;
}

/**
 * Whether a listener's default actions redirect to HTTPS. Unknown when the actions are conditional
 * (`Fn::If` of a redirect and a forward): unknown values never produce a finding (docs/audit-rules.md).
 */
function redirectsToHttps(actions: unknown): Maybe<boolean> {
  if (isIntrinsic(actions)) return unknownValue(actions);
  const list = toList(actions);
  const redirect = (a: unknown) => obj(a)?.Type === 'redirect' && obj(obj(a)?.RedirectConfig)?.Protocol === 'HTTPS';
  if (list.some(redirect)) return true;
  const conditional = list.find((a) => isIntrinsic(a) || isIntrinsic(obj(a)?.Type) || isIntrinsic(obj(obj(a)?.RedirectConfig)?.Protocol));
  return conditional === undefined ? false : unknownValue(conditional);
}
