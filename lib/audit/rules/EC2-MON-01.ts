import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'EC2-MON-01',
    severity: 'low',
    title: 'No detailed monitoring',
    sources: ['cdk-nag AwsSolutions-EC28 (Instance and LaunchConfiguration only)'],
    fix: 'Enable detailed monitoring (LaunchTemplateData.Monitoring.Enabled, or InstanceMonitoring on a launch configuration).',
    inputs: ['template'],
  },
  (m) => m.hosts,
  (h) => (h.monitoring === false ? 'detailed monitoring is off' : undefined),
);
