import { resourceRule } from './_kit';

/**
 * Only an explicit `PubliclyAccessible: true` is flagged: unset, RDS makes an instance in a VPC
 * public only when its subnet group's subnets have an internet gateway route
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-publiclyaccessible),
 * which the template alone rarely shows; checkov CKV_AWS_17 reads it the same way.
 */
export default resourceRule(
  {
    id: 'RDS-PUB-01',
    severity: 'high',
    title: 'RDS instance publicly accessible',
    sources: [
      'checkov CKV_AWS_17',
      'prowler rds_instance_no_public_access',
      'Security Hub RDS.2',
      'CT.RDS.PR.23',
      'cdk-nag NIST/HIPAA/PCI RDSInstancePublicAccess',
    ],
    fix: 'Set PubliclyAccessible to false and place the instance in private or isolated subnets; admit clients by security group.',
    inputs: ['template'],
  },
  (m) => m.dbInstances,
  (d) => (d.publiclyAccessible === true ? 'PubliclyAccessible is true: the endpoint resolves to a public address' : undefined),
);
