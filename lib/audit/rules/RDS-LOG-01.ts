import { hasUnknown, knownItems, resourceRule } from './_kit';

/** Any export passes, as checkov CKV_AWS_129 and prowler read it; Control Tower CT.RDS.PR.14 asks for every log type. */
export default resourceRule(
  {
    id: 'RDS-LOG-01',
    severity: 'low',
    title: 'RDS logs not exported',
    sources: ['checkov CKV_AWS_129', 'prowler rds_instance_integration_cloudwatch_logs', 'Security Hub RDS.9', 'CT.RDS.PR.14'],
    fix: "Set EnableCloudwatchLogsExports to the engine's log types (error, general, slowquery, audit for MySQL/MariaDB; postgresql, upgrade for PostgreSQL).",
    inputs: ['template'],
  },
  (m) => m.dbInstances.filter((d) => !d.inCluster),
  (d) => {
    if (hasUnknown(d.cloudwatchLogsExports)) return undefined;
    return knownItems(d.cloudwatchLogsExports ?? []).length === 0 ? 'EnableCloudwatchLogsExports is not set: no log reaches CloudWatch Logs' : undefined;
  },
);
