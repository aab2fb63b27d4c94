import { isUnknown } from '../model';
import { resourceRule } from './_kit';

/** Live, the setting is returned only with include SETTINGS (catalog §2.6); the live source always asks for it. */
export default resourceRule(
  {
    id: 'CL-CI-01',
    severity: 'medium',
    title: 'Container Insights off',
    sources: ['Security Hub ECS.12', 'cdk-nag AwsSolutions-ECS4', 'checkov CKV_AWS_65', 'CT.ECS.PR.2'],
    fix: 'Turn on Container Insights (cluster setting containerInsights = enabled or enhanced).',
    inputs: ['template', 'live'],
  },
  (m) => m.clusters,
  (c) =>
    isUnknown(c.containerInsights) || c.containerInsights === 'enabled' || c.containerInsights === 'enhanced'
      ? undefined
      : `containerInsights is ${c.containerInsights ?? 'not set'}`,
);
