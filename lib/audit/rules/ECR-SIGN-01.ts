import { resourceRule } from './_kit';

/** Live only (`--account`): a registry's signing configuration is not in a template this audit reads. */
export default resourceRule(
  {
    id: 'ECR-SIGN-01',
    severity: 'medium',
    title: 'Image signing off for the CDK assets repository',
    sources: ['ECR managed signing (AWS Signer)', 'CIS Docker 4.5 (content trust)'],
    fix: 'Turn on account.imageSigning (ECR managed signing filtered to the assets repository) and deploy the account stack.',
    inputs: ['live'],
  },
  (m) => m.registries,
  (r) => (r.signsAssetsRepository ? undefined : `no managed-signing rule of the registry matches ${r.assetsRepository}: its images are pushed unsigned`),
);
