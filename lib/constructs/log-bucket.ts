import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** The log bucket's defaults. */
export const LOG_BUCKET_DEFAULTS = { expirationDays: 90 } as const;

export interface LogBucketProps {
  /**
   * How long log objects are kept.
   *
   * @default - LOG_BUCKET_DEFAULTS.expirationDays
   */
  readonly expiration?: Duration;
  /**
   * Encrypt with this customer managed key (SSE-KMS). Not every log source can write to such a
   * bucket: ALB access logs need SSE-S3
   * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
   *
   * @default - SSE-S3
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Keep every version of each object (overwrites and deletes stay recoverable).
   *
   * @default false
   */
  readonly versioned?: boolean;
  /**
   * Enable S3 Object Lock (needs versioning; no default retention is set, so log delivery's writes
   * are not constrained). Turning it on for an existing bucket replaces the bucket.
   *
   * @default false
   */
  readonly objectLockEnabled?: boolean;
  /**
   * Send the bucket's events to Amazon EventBridge (no extra resources).
   *
   * @default false
   */
  readonly eventBridgeEnabled?: boolean;
  /**
   * Bucket that receives this bucket's server access logs.
   *
   * @default - no server access logging
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * A bucket that receives logs: private (Block Public Access, owner-enforced objects), TLS-only,
 * encrypted, expiring, and kept on `cdk destroy` because logs are evidence.
 */
export class LogBucket extends s3.Bucket {
  constructor(scope: Construct, id: string, props: LogBucketProps = {}) {
    super(scope, id, {
      ...(props.encryptionKey
        ? { encryption: s3.BucketEncryption.KMS, encryptionKey: props.encryptionKey, bucketKeyEnabled: true }
        : { encryption: s3.BucketEncryption.S3_MANAGED }),
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: props.versioned ?? false,
      objectLockEnabled: props.objectLockEnabled || undefined,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      lifecycleRules: [
        {
          expiration: props.expiration ?? Duration.days(LOG_BUCKET_DEFAULTS.expirationDays),
          ...(props.versioned ? { noncurrentVersionExpiration: Duration.days(1) } : {}),
        },
      ],
      // Kept on `cdk destroy`: logs are evidence. Delete the bucket by hand when done (README).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (props.eventBridgeEnabled) {
      // The bucket's own NotificationConfiguration: s3.Bucket's eventBridgeEnabled would add a
      // Lambda-backed custom resource (Custom::S3BucketNotifications) for the same setting.
      (this.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }
  }
}
