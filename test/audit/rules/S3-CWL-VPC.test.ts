/** S3 buckets (S3-*), log groups (CWL-*) and VPC flow logs (VPC-*): compliant, non-compliant and not applicable, from templates and, where the ECS API shows the setting, from API documents. */
import { templateModel } from '../helpers/models';
import { type Cases, ruleSuite } from './harness';
import { ALL_BLOCKED, bucket, DENY_HTTP, onlyTemplate } from './platform-models';

const CASES: Record<string, Cases> = {
  'S3-LOG-01': {
    field: /server access logging/,
    compliant: [
      ['template: logging', () => bucket({ LoggingConfiguration: { DestinationBucketName: 'logs' } })],
      [
        'template: is the log target',
        () =>
          templateModel({
            B: { Type: 'AWS::S3::Bucket', Properties: {} },
            A: { Type: 'AWS::S3::Bucket', Properties: { LoggingConfiguration: { DestinationBucketName: { Ref: 'B' } } } },
          }),
      ],
    ],
    nonCompliant: [['template: no logging', () => bucket({})]],
    notApplicable: onlyTemplate,
  },
  'S3-TLS-01': {
    field: /aws:SecureTransport/,
    compliant: [['template: deny insecure transport', () => bucket({}, DENY_HTTP)]],
    nonCompliant: [['template: no policy', () => bucket({})]],
    notApplicable: onlyTemplate,
  },
  'S3-PAB-01': {
    field: /PublicAccessBlockConfiguration/,
    compliant: [['template: all blocked', () => bucket(ALL_BLOCKED)]],
    nonCompliant: [
      ['template: absent', () => bucket({})],
      ['template: one off', () => bucket({ PublicAccessBlockConfiguration: { ...ALL_BLOCKED.PublicAccessBlockConfiguration, BlockPublicPolicy: false } })],
    ],
    notApplicable: onlyTemplate,
  },
  'VPC-FLOW-01': {
    field: /flow log/,
    compliant: [
      [
        'template: flow log',
        () =>
          templateModel({
            V: { Type: 'AWS::EC2::VPC', Properties: {} },
            F: { Type: 'AWS::EC2::FlowLog', Properties: { ResourceId: { Ref: 'V' }, ResourceType: 'VPC' } },
          }),
      ],
    ],
    nonCompliant: [['template: none', () => templateModel({ V: { Type: 'AWS::EC2::VPC', Properties: {} } })]],
    notApplicable: onlyTemplate,
  },
  'CWL-01': {
    field: /KmsKeyId/,
    compliant: [
      [
        'template: retention + KMS',
        () => templateModel({ G: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': ['K', 'Arn'] } } } }),
      ],
    ],
    nonCompliant: [
      ['template: neither', () => templateModel({ G: { Type: 'AWS::Logs::LogGroup', Properties: {} } })],
      ['template: no KMS', () => templateModel({ G: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } } })],
    ],
    notApplicable: onlyTemplate,
  },
  'S3-ENC-01': {
    field: /BucketEncryption/,
    compliant: [
      [
        'template: aws:kms',
        () => bucket({ BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } }),
      ],
      ['template: not set (S3 default SSE-S3)', () => bucket({})],
    ],
    nonCompliant: [
      ['template: a rule without an algorithm', () => bucket({ BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true }] } })],
    ],
    notApplicable: onlyTemplate,
  },
  'S3-VER-01': {
    field: /VersioningConfiguration\.Status/,
    compliant: [['template: Enabled', () => bucket({ VersioningConfiguration: { Status: 'Enabled' } })]],
    nonCompliant: [
      ['template: not set', () => bucket({})],
      ['template: Suspended', () => bucket({ VersioningConfiguration: { Status: 'Suspended' } })],
    ],
    notApplicable: onlyTemplate,
  },
};

ruleSuite(['S3', 'CWL', 'VPC'], CASES);
