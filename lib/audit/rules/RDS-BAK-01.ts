import { isUnknown } from '../model';
import { resourceRule } from './_kit';

/**
 * `BackupRetentionPeriod` 0 turns automated backups off; unset, CloudFormation keeps them a day
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-backupretentionperiod).
 * Fewer than 7 days is flagged as Control Tower's CT.RDS.PR.8 does. Aurora instances: the cluster's.
 */
export default resourceRule(
  {
    id: 'RDS-BAK-01',
    severity: 'medium',
    title: 'RDS automated backups off or short',
    sources: ['checkov CKV_AWS_133', 'prowler rds_instance_backup_enabled', 'Security Hub RDS.11', 'CT.RDS.PR.8', 'cdk-nag AwsSolutions-RDS13'],
    fix: 'Set BackupRetentionPeriod to 7 to 35 days.',
    inputs: ['template'],
  },
  (m) => m.dbInstances.filter((d) => !d.inCluster),
  (d) => {
    if (isUnknown(d.backupRetentionPeriod)) return undefined;
    const days = d.backupRetentionPeriod ?? 1;
    if (days === 0) return 'BackupRetentionPeriod is 0: automated backups are off';
    return days < 7 ? `BackupRetentionPeriod is ${d.backupRetentionPeriod ?? 'not set (1 day)'}; at least 7 days expected` : undefined;
  },
);
