import { isUnknown } from '../model';
import { resourceRule } from './_kit';

/** Advisory (info): availability, not confidentiality; a single-AZ instance can be the right cost for a starter. */
export default resourceRule(
  {
    id: 'RDS-MAZ-01',
    severity: 'info',
    title: 'RDS instance single-AZ',
    sources: ['checkov CKV_AWS_157', 'prowler rds_instance_multi_az', 'Security Hub RDS.5', 'CT.RDS.PR.1', 'cdk-nag AwsSolutions-RDS3'],
    fix: 'Set MultiAZ to true for a synchronous standby in a second Availability Zone (it doubles the instance cost).',
    inputs: ['template'],
  },
  (m) => m.dbInstances.filter((d) => !d.inCluster),
  (d) => (d.multiAz === true || isUnknown(d.multiAz) ? undefined : `MultiAZ is ${d.multiAz ?? 'not set (false)'}`),
);
