/** Load balancers and listeners (ELB-*): compliant, non-compliant and not applicable, from templates and, where the ECS API shows the setting, from API documents. */
import { type Cases, ruleSuite } from './harness';
import { alb, ALB_GOOD, onlyTemplate } from './platform-models';

const CASES: Record<string, Cases> = {
  'ELB-LOG-01': {
    field: /access_logs\.s3\.enabled/,
    compliant: [['template: on', () => alb(ALB_GOOD)]],
    nonCompliant: [['template: off', () => alb({})]],
    notApplicable: onlyTemplate,
  },
  'ELB-TLS-01': {
    field: /SslPolicy|ELBSecurityPolicy-TLS-1-0|plain HTTP/,
    compliant: [
      [
        'template: HTTPS TLS 1.3 + redirect',
        () =>
          alb(ALB_GOOD, [
            { Protocol: 'HTTPS', Port: 443, SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' },
            { Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443' } }] },
          ]),
      ],
    ],
    nonCompliant: [
      ['template: plain HTTP', () => alb(ALB_GOOD, [{ Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward' }] }])],
      ['template: TLS 1.0 policy', () => alb(ALB_GOOD, [{ Protocol: 'HTTPS', Port: 443, SslPolicy: 'ELBSecurityPolicy-TLS-1-0-2015-04' }])],
      ['template: HTTPS without a policy', () => alb(ALB_GOOD, [{ Protocol: 'HTTPS', Port: 443 }])],
    ],
    notApplicable: onlyTemplate,
  },
  'ELB-HDR-01': {
    field: /routing\.http\.drop_invalid_header_fields\.enabled/,
    compliant: [['template: dropped', () => alb(ALB_GOOD)]],
    nonCompliant: [['template: kept', () => alb({ 'access_logs.s3.enabled': 'true' })]],
    notApplicable: onlyTemplate,
  },
};

ruleSuite(['ELB'], CASES);
