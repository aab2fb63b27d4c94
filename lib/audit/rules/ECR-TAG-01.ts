import { isUnknown } from '../model';
import { resourceRule } from './_kit';

/** IMMUTABLE_WITH_EXCLUSION keeps tags immutable except for the excluded filters, and passes. */
export default resourceRule(
  {
    id: 'ECR-TAG-01',
    severity: 'medium',
    title: 'ECR tags mutable',
    sources: ['checkov CKV_AWS_51', 'prowler ecr_repositories_tag_immutability', 'Security Hub ECR.2', 'ECS BP "Use immutable tags"'],
    fix: 'Set ImageTagMutability to IMMUTABLE, so a pushed tag always names the same image.',
    inputs: ['template'],
  },
  (m) => m.ecrRepositories,
  (r) =>
    isUnknown(r.tagMutability) || /^IMMUTABLE/.test(r.tagMutability ?? '') ? undefined : `ImageTagMutability is ${r.tagMutability ?? 'not set (MUTABLE)'}`,
);
