import { isUnknown } from '../model';
import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'RDS-DEL-01',
    severity: 'medium',
    title: 'RDS deletion protection off',
    sources: ['checkov CKV_AWS_293', 'prowler rds_instance_deletion_protection', 'Security Hub RDS.8', 'CT.RDS.PR.13', 'cdk-nag AwsSolutions-RDS10'],
    fix: 'Set DeletionProtection to true (and DeletionPolicy Snapshot, so a deletion on purpose still leaves a snapshot).',
    inputs: ['template'],
  },
  (m) => m.dbInstances.filter((d) => !d.inCluster),
  (d) => (d.deletionProtection === true || isUnknown(d.deletionProtection) ? undefined : `DeletionProtection is ${d.deletionProtection ?? 'not set (false)'}`),
);
