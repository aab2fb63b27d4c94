import { activeUserData, resourceRule } from './_kit';

/** An AWS access key id, or a password/secret/token assigned a literal (not a `$VAR` or `${Token}`). */
const SECRETS: [RegExp, string][] = [
  [/\bA(KIA|SIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\b[A-Za-z_]*(PASSWORD|PASSWD|SECRET|TOKEN)[A-Za-z_]*\s*[=:]\s*["']?(?![$"'\s])[^\s"']{4,}/i, 'a password, secret or token assigned a literal'],
];

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
  (h) => SECRETS.filter(([pattern]) => pattern.test(activeUserData(h.userData as string))).map(([, what]) => `user data contains ${what} (value not shown)`),
);
