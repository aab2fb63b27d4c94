import { known, resourceRule } from './_kit';

/** Granular like cdk-nag IAM5: one finding per wildcard action or resource, so each can be acknowledged. */
export default resourceRule(
  {
    id: 'IAM-WC-01',
    severity: 'medium',
    title: 'Wildcard IAM permissions',
    sources: ['cdk-nag AwsSolutions-IAM5', 'checkov CKV_AWS_63, CKV_AWS_62'],
    fix: 'Name the actions and resource ARNs the principal needs; keep `*` only for actions without resource-level permissions.',
    inputs: ['template'],
  },
  (m) => m.iamPolicies,
  (p) => {
    const wild = new Set<string>();
    for (const s of p.statements.filter((st) => st.effect === 'Allow')) {
      for (const a of s.actions.map(known)) if (a?.includes('*')) wild.add(`action ${a}`);
      for (const r of s.resources.map(known)) if (r?.includes('*')) wild.add(`resource ${r}`);
    }
    return [...wild].map((w) => `allows ${w}`);
  },
);
