import { isUnknown } from '../model';
import { known, resourceRule } from './_kit';

/** Policies that still allow TLS 1.0/1.1 (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html). */
const OLD_POLICY = /TLS-1-0|TLS-1-1|TLS13-1-0|TLS13-1-1|FS-1-1|^ELBSecurityPolicy-(2016-08|2015-05|FS-2018-06)$/;

/**
 * Every listener is judged, also when its load balancer is a parameter, an imported value or a
 * literal ARN (docs/audit-rules.md "Peer checks"). Conditional default actions (`Fn::If`) are unknown and pass.
 */
export default resourceRule(
  {
    id: 'ELB-TLS-01',
    severity: 'medium',
    title: 'HTTP listener / old TLS',
    sources: ['checkov CKV_AWS_2, CKV_AWS_103', 'cdk-nag NIST ALBHttpToHttpsRedirection, ELBTlsHttpsListenersOnly', 'Security Hub ELB.1'],
    fix: 'Serve HTTPS with a TLS 1.2+ policy (ELBSecurityPolicy-TLS13-1-2-2021-06) and redirect HTTP to HTTPS.',
    inputs: ['template'],
  },
  (m) => m.listeners,
  (l) => {
    const policy = known(l.sslPolicy);
    const port = known(l.port) ?? '?';
    if (l.protocol === 'HTTP' && l.redirectsToHttps === false) return `listener on port ${port} serves plain HTTP without redirecting to HTTPS`;
    if (policy !== undefined && OLD_POLICY.test(policy)) return `listener on port ${port} uses ${policy}, which allows TLS below 1.2`;
    // Without SslPolicy, listeners created through the API get ELBSecurityPolicy-2016-08 (TLS 1.0+).
    if ((l.protocol === 'HTTPS' || l.protocol === 'TLS') && l.sslPolicy === undefined && !isUnknown(l.redirectsToHttps))
      return `listener on port ${port} sets no SslPolicy (the API default allows TLS 1.0)`;
    return undefined;
  },
);
