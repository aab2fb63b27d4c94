import { isUnknown } from '../model';
import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'CL-EXEC-01',
    severity: 'low',
    title: 'Exec sessions not logged/encrypted',
    sources: ['checkov CKV_AWS_223/224 (Terraform)'],
    fix: 'Set configuration.executeCommandConfiguration with a kmsKeyId and logging DEFAULT or OVERRIDE.',
    inputs: ['template', 'live'],
  },
  (m) => m.clusters,
  (c) => {
    const config = c.executeCommand;
    if (!config) return 'no executeCommandConfiguration: ECS Exec sessions would not be encrypted with a customer key';
    if (config.logging === 'NONE') return 'executeCommandConfiguration.logging is NONE';
    return config.kmsKeyId === undefined && !isUnknown(config.kmsKeyId) ? 'executeCommandConfiguration has no kmsKeyId' : undefined;
  },
);
