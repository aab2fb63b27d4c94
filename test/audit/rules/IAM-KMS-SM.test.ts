/** IAM roles and policies (IAM-*), KMS keys (KMS-*) and Secrets Manager secrets (SM-*): compliant, non-compliant and not applicable, from templates and, where the ECS API shows the setting, from API documents. */
import { templateModel } from '../helpers/models';
import { type Cases, ruleSuite } from './harness';
import { key, onlyTemplate, policy, role } from './platform-models';

const CASES: Record<string, Cases> = {
  'IAM-MP-01': {
    field: /AWS managed policy AdministratorAccess/,
    compliant: [['template: customer policy', () => templateModel({ R: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: [{ Ref: 'Mine' }] } } })]],
    nonCompliant: [
      [
        'template: AWS managed (Fn::Join)',
        () =>
          templateModel({
            R: {
              Type: 'AWS::IAM::Role',
              Properties: { ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] }] },
            },
          }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'IAM-WC-01': {
    field: /allows (action s3:\*|resource \*)/,
    compliant: [
      ['template: scoped', () => policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['B', 'Arn'] }, '/x']] } })],
      ['template: deny *', () => policy({ Effect: 'Deny', Action: '*', Resource: '*' })],
    ],
    nonCompliant: [
      ['template: action wildcard', () => policy({ Effect: 'Allow', Action: ['s3:*'], Resource: 'arn:aws:s3:::b' })],
      ['template: resource wildcard', () => policy({ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' })],
    ],
    notApplicable: onlyTemplate,
  },
  'KMS-ROT-01': {
    field: /EnableKeyRotation/,
    compliant: [['template: rotation', () => templateModel({ K: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } } })]],
    nonCompliant: [['template: no rotation', () => templateModel({ K: { Type: 'AWS::KMS::Key', Properties: {} } })]],
    notApplicable: [...onlyTemplate, ['template: asymmetric key', () => templateModel({ K: { Type: 'AWS::KMS::Key', Properties: { KeySpec: 'RSA_2048' } } })]],
  },
  'IAM-ESC-01': {
    field: /allows iam:/,
    compliant: [
      ['template: read-only IAM', () => policy({ Effect: 'Allow', Action: ['iam:GetRole', 'iam:ListRoles'], Resource: '*' })],
      ['template: PassRole alone', () => policy({ Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::111122223333:role/x' })],
    ],
    nonCompliant: [
      ['template: iam:Put* (wildcard)', () => policy({ Effect: 'Allow', Action: 'iam:Put*', Resource: '*' })],
      ['template: PassRole with ec2:RunInstances', () => policy({ Effect: 'Allow', Action: ['iam:PassRole', 'ec2:RunInstances'], Resource: '*' })],
      [
        'template: inline policy of a user',
        () =>
          templateModel({
            U: {
              Type: 'AWS::IAM::User',
              Properties: {
                Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'iam:CreateAccessKey', Resource: '*' }] } }],
              },
            },
          }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'IAM-TRUST-01': {
    field: /AssumeRolePolicyDocument trusts/,
    compliant: [
      ['template: ECS tasks', () => role({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })],
      [
        'template: account root with sts:ExternalId',
        () => role({ Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Condition: { StringEquals: { 'sts:ExternalId': 'x' } } }),
      ],
    ],
    nonCompliant: [
      ['template: Principal *', () => role({ Principal: '*' })],
      ['template: AWS [*]', () => role({ Principal: { AWS: ['*'] } })],
      ['template: a whole account', () => role({ Principal: { AWS: '111122223333' } })],
    ],
    notApplicable: onlyTemplate,
  },
  'KMS-POL-01': {
    field: /KeyPolicy allows Principal \*/,
    compliant: [
      ['template: account root', () => key({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' })],
      [
        'template: * narrowed by kms:CallerAccount',
        () =>
          key({
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: { StringEquals: { 'kms:CallerAccount': '111122223333' } },
          }),
      ],
    ],
    nonCompliant: [
      ['template: Principal *', () => key({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' })],
      ['template: AWS [*]', () => key({ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 'kms:Decrypt', Resource: '*' })],
    ],
    notApplicable: onlyTemplate,
  },
  'SM-KMS-01': {
    field: /KmsKeyId/,
    compliant: [
      ['template: customer key', () => templateModel({ S: { Type: 'AWS::SecretsManager::Secret', Properties: { KmsKeyId: { 'Fn::GetAtt': ['K', 'Arn'] } } } })],
    ],
    nonCompliant: [
      ['template: no KmsKeyId', () => templateModel({ S: { Type: 'AWS::SecretsManager::Secret', Properties: {} } })],
      [
        'template: alias/aws/secretsmanager',
        () => templateModel({ S: { Type: 'AWS::SecretsManager::Secret', Properties: { KmsKeyId: 'alias/aws/secretsmanager' } } }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
};

ruleSuite(['IAM', 'KMS', 'SM'], CASES);
