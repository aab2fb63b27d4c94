import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LogEncryptionKey } from '../../lib/constructs/log-encryption-key';
import { freshStack } from '../helpers/fresh-stack';

/** The key policy's statements. */
function statements(template: Template): any[] {
  const [key] = Object.values(template.findResources('AWS::KMS::Key'));
  return key.Properties.KeyPolicy.Statement;
}

describe('LogEncryptionKey', () => {
  test("defaults: rotated, retained, 30-day pending window, usable by CloudWatch Logs for this region's log groups only", () => {
    // GIVEN
    const stack = freshStack();
    // WHEN
    new LogEncryptionKey(stack, 'Key');
    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true, PendingWindowInDays: 30 },
    });
    expect(statements(template)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
          Condition: {
            ArnLike: {
              'kms:EncryptionContext:aws:logs:arn': {
                'Fn::Join': ['', ['arn:aws:logs:eu-west-1:', { Ref: 'AWS::AccountId' }, ':log-group:*']],
              },
            },
          },
        }),
        expect.objectContaining({
          Sid: 'LimitGrantsToAwsServices',
          Effect: 'Deny',
          Action: 'kms:CreateGrant',
          Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
        }),
      ]),
    );
    expect(JSON.stringify(statements(template))).not.toContain('logging.s3.amazonaws.com');
  });

  test('S3 server access log delivery may encrypt with it when asked; the pending window is a prop', () => {
    // GIVEN
    const stack = freshStack();
    // WHEN
    new LogEncryptionKey(stack, 'Key', { allowS3ServerAccessLogs: true, pendingWindow: Duration.days(7) });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Key', { PendingWindowInDays: 7 });
    expect(statements(template)).toEqual(
      expect.arrayContaining([
        {
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 'kms:GenerateDataKey',
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ]),
    );
  });
});
