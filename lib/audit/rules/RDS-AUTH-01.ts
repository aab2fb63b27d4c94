import { resourceRule } from './_kit';

/**
 * Compliant when RDS manages the master password in Secrets Manager, when CloudFormation resolves
 * it from Secrets Manager (a dynamic reference), or with IAM database authentication. A literal
 * password in the template is always flagged; a password from a parameter or another intrinsic
 * without IAM authentication too (it passes through the template's inputs in the clear).
 * Aurora instances take the cluster's credentials: not applicable.
 */
export default resourceRule(
  {
    id: 'RDS-AUTH-01',
    severity: 'medium',
    title: 'RDS master password not managed',
    sources: [
      'checkov CKV_AWS_161',
      'prowler rds_instance_iam_authentication_enabled',
      'Security Hub RDS.10',
      'CT.RDS.PR.7',
      'cdk-nag AwsSolutions-SMG4 rationale',
    ],
    fix: 'Set ManageMasterUserPassword to true (RDS keeps and rotates the password in Secrets Manager), or resolve MasterUserPassword from Secrets Manager, and consider EnableIAMDatabaseAuthentication.',
    inputs: ['template'],
  },
  (m) => m.dbInstances.filter((d) => !d.inCluster),
  (d) => {
    if (d.masterUserPassword === 'literal') return 'MasterUserPassword is a literal in the template';
    if (d.manageMasterUserPassword === true || d.masterUserPassword === 'secretsmanager' || d.iamAuthentication === true) return undefined;
    if (d.masterUserPassword === 'absent') return undefined; // a snapshot or replica source keeps its own credentials
    return 'MasterUserPassword comes from a template input, and neither ManageMasterUserPassword nor EnableIAMDatabaseAuthentication is set';
  },
);
