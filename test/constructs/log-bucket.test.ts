import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LogBucket } from '../../lib/constructs/log-bucket';
import { freshStack } from '../helpers/fresh-stack';

describe('LogBucket', () => {
  test('defaults: private, TLS-only, SSE-S3, unversioned, expiring after 90 days, retained', () => {
    // GIVEN
    const stack = freshStack();
    // WHEN
    new LogBucket(stack, 'Logs');
    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] },
        VersioningConfiguration: Match.absent(),
        ObjectLockEnabled: Match.absent(),
        NotificationConfiguration: Match.absent(),
        LoggingConfiguration: Match.absent(),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  test('a KMS key, versioning, Object Lock, EventBridge and server access logging when asked', () => {
    // GIVEN
    const stack = freshStack();
    const key = new kms.Key(stack, 'Key');
    const target = new s3.Bucket(stack, 'Target');
    // WHEN
    new LogBucket(stack, 'Logs', {
      expiration: Duration.days(7),
      encryptionKey: key,
      versioned: true,
      objectLockEnabled: true,
      eventBridgeEnabled: true,
      serverAccessLogsBucket: target,
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
          },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^Target') } },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 7, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled' }] },
    });
    // The notification setting is the bucket's own property, not s3.Bucket's Lambda-backed custom resource.
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });
});
