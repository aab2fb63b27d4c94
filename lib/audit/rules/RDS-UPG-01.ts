import { resourceRule } from './_kit';

/** Unset, AutoMinorVersionUpgrade is true (CloudFormation's default): only an explicit false is flagged. */
export default resourceRule(
  {
    id: 'RDS-UPG-01',
    severity: 'low',
    title: 'RDS minor version upgrades off',
    sources: ['checkov CKV_AWS_226', 'prowler rds_instance_minor_version_upgrade_enabled', 'Security Hub RDS.13', 'CT.RDS.PR.5'],
    fix: 'Set AutoMinorVersionUpgrade to true (or leave it unset), so security fixes in minor versions are applied in the maintenance window.',
    inputs: ['template'],
  },
  (m) => m.dbInstances,
  (d) => (d.autoMinorVersionUpgrade === false ? 'AutoMinorVersionUpgrade is false' : undefined),
);
