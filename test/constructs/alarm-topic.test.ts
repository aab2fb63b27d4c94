import { Template } from 'aws-cdk-lib/assertions';
import { AlarmTopic } from '../../lib/constructs/alarm-topic';
import { freshStack } from '../helpers/fresh-stack';

describe('AlarmTopic', () => {
  test('alone: an encrypted, TLS-only topic without subscribers; only CloudWatch alarms of this account and region may use its key besides the account', () => {
    // GIVEN
    const stack = freshStack();
    // WHEN
    const alarmTopic = new AlarmTopic(stack, 'AlarmTopic');
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: stack.resolve(alarmTopic.key.keyArn) });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', Properties: { EnableKeyRotation: true, PendingWindowInDays: 30 } });
    const statements = Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement as any[];
    const services = statements.flatMap((s) => (s.Principal?.Service ? [s.Principal.Service] : []));
    // EventBridge is granted by the rules that target the topic (test/alarms.test.ts), not here.
    expect(services).toEqual(['cloudwatch.amazonaws.com']);
    expect(statements.find((s) => s.Sid === 'CloudWatchAlarmsPublish').Condition.ArnLike['aws:SourceArn']).toEqual({
      'Fn::Join': ['', ['arn:aws:cloudwatch:eu-west-1:', { Ref: 'AWS::AccountId' }, ':alarm:*']],
    });
    expect(statements.find((s) => s.Sid === 'LimitGrantsToAwsServices')).toEqual(expect.objectContaining({ Effect: 'Deny', Action: 'kms:CreateGrant' }));
  });

  test('emailAddress subscribes that address', () => {
    const stack = freshStack();
    new AlarmTopic(stack, 'AlarmTopic', { emailAddress: 'oncall@example.org' });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.org' });
  });
});
