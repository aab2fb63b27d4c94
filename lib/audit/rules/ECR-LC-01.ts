import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'ECR-LC-01',
    severity: 'low',
    title: 'ECR without lifecycle policy',
    sources: ['prowler ecr_repositories_lifecycle_policy_enabled', 'Security Hub ECR.3'],
    fix: 'Add a LifecyclePolicy that expires untagged and old images, so stale vulnerable images do not linger.',
    inputs: ['template'],
  },
  (m) => m.ecrRepositories,
  (r) => (r.hasLifecyclePolicy ? undefined : 'no LifecyclePolicy: old images are kept forever'),
);
