import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { grantsOnlyForAwsResources } from './data-encryption-key';

export interface LogEncryptionKeyProps {
  /**
   * Allow S3 server access log delivery (logging.s3.amazonaws.com) to encrypt with the key.
   *
   * @default false
   */
  readonly allowS3ServerAccessLogs?: boolean;
  /**
   * Waiting period before a deleted key is destroyed.
   *
   * @default Duration.days(30)
   */
  readonly pendingWindow?: Duration;
}

/**
 * A customer managed KMS key, rotated yearly, for this stack's CloudWatch log groups (and
 * optionally its S3 server access logs). The key policy lets CloudWatch Logs use it only for log
 * groups of this account and region, as the CloudWatch Logs guide requires
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
 */
export class LogEncryptionKey extends kms.Key {
  constructor(scope: Construct, id: string, props: LogEncryptionKeyProps = {}) {
    super(scope, id, {
      description: 'Encrypts the log groups (and server access logs) of this stack',
      enableKeyRotation: true,
      pendingWindow: props.pendingWindow ?? Duration.days(30),
      // Logs kept after `cdk destroy` (the buckets are retained) stay readable.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stack = Stack.of(this);
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    this.addToResourcePolicy(grantsOnlyForAwsResources());
    if (props.allowS3ServerAccessLogs) {
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
      // (SSE-KMS on the destination bucket needs logging.s3.amazonaws.com in the key policy).
      this.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
          actions: ['kms:GenerateDataKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
        }),
      );
    }
  }
}
