import { secretShape } from '../sources/secret-shapes';
import { activeUserData, resourceRule } from './_kit';

/** A password/secret/token name assigned a literal (not a `$VAR` or `${Token}`). */
const ASSIGNED = /\b[A-Za-z_]*(PASSWORD|PASSWD|SECRET|TOKEN)[A-Za-z_]*\s*[=:]\s*["']?(?![$"'\s])[^\s"']{4,}/i;

export default resourceRule(
  {
    id: 'EC2-UD-01',
    severity: 'high',
    title: 'Secrets in user data',
    sources: ['checkov CKV_AWS_46 (AWS::EC2::Instance only)'],
    fix: 'Read secrets at boot from Secrets Manager or SSM Parameter Store with the instance role; user data is readable by anyone with ec2:DescribeInstanceAttribute.',
    inputs: ['template'],
  },
  (m) => m.hosts.filter((h) => typeof h.userData === 'string'),
  (h) => {
    // Value shapes (access key id, private key, JWT ...) are the sources' detector's (lib/audit/sources/secret-shapes.ts).
    const text = activeUserData(h.userData as string);
    const shape = secretShape(text);
    return [
      ...(shape ? [`user data contains ${shape} (value not shown)`] : []),
      ...(ASSIGNED.test(text) ? ['user data contains a password, secret or token assigned a literal (value not shown)'] : []),
    ];
  },
);
