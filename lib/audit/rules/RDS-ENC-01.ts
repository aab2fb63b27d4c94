import { isUnknown } from '../model';
import { resourceRule } from './_kit';

/** An Aurora instance's storage is its cluster's (`StorageEncrypted` on the DBCluster): not applicable here. */
export default resourceRule(
  {
    id: 'RDS-ENC-01',
    severity: 'high',
    title: 'RDS storage not encrypted',
    sources: ['checkov CKV_AWS_16', 'prowler rds_instance_storage_encrypted', 'Security Hub RDS.3', 'CT.RDS.PR.24', 'cdk-nag AwsSolutions-RDS2'],
    fix: 'Set StorageEncrypted to true (with a KmsKeyId you control); an existing instance is encrypted by restoring an encrypted snapshot copy.',
    inputs: ['template'],
  },
  (m) => m.dbInstances.filter((d) => !d.inCluster),
  (d) => (d.storageEncrypted === true || isUnknown(d.storageEncrypted) ? undefined : `StorageEncrypted is ${d.storageEncrypted ?? 'not set (false)'}`),
);
