import { resourceRule } from './_kit';

/** Live only (`--account`): the bootstrap's repository is not in the app's template. ECR-TAG-01 judges repositories a template defines. */
export default resourceRule(
  {
    id: 'ECR-TAG-02',
    severity: 'high',
    title: 'CDK assets repository tags mutable',
    sources: ['Security Hub ECR.2', 'prowler ecr_repositories_tag_immutability', 'checkov CKV_AWS_51 (templates)'],
    fix: 'Bootstrap with bootstrap/hardened-bootstrap-template.yaml (or the CLI default, which has IMMUTABLE), so an asset tag always names the image it was built as.',
    inputs: ['live'],
  },
  (m) => m.assetsRepositories,
  (r) =>
    /^IMMUTABLE/.test(typeof r.tagMutability === 'string' ? r.tagMutability : '')
      ? undefined
      : `imageTagMutability is ${typeof r.tagMutability === 'string' ? r.tagMutability : 'not set'}: a push can replace the image a task definition names by tag`,
);
