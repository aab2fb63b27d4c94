import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The key policy statement that lets only AWS services create grants, and only for AWS resources
 * (RDS and EFS create grants on the key they encrypt with; nobody else needs to). Control Tower
 * CT.KMS.PR.3: https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html.
 */
export function grantsOnlyForAwsResources(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'LimitGrantsToAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  });
}

export interface DataEncryptionKeyProps {
  /** What the key encrypts, for its description. */
  readonly description: string;
}

/**
 * A customer managed key for data at rest (the database, the persistent files): rotated yearly,
 * grants only for AWS resources, and kept when the stack is deleted, because the snapshots and
 * backups that outlive the stack are encrypted with it.
 */
export class DataEncryptionKey extends kms.Key {
  constructor(scope: Construct, id: string, props: DataEncryptionKeyProps) {
    super(scope, id, { description: props.description, enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    this.addToResourcePolicy(grantsOnlyForAwsResources());
  }
}
