import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { grantsOnlyForAwsResources } from './data-encryption-key';

export interface AlarmTopicProps {
  /**
   * An e-mail address subscribed to the topic. SNS sends it a confirmation message first; nothing
   * arrives until the link in it is followed.
   *
   * @default - no subscription (subscribe a pager, a chat webhook or an address later)
   */
  readonly emailAddress?: string;
  /**
   * Waiting period before a deleted key is destroyed.
   *
   * @default Duration.days(30)
   */
  readonly pendingWindow?: Duration;
}

/**
 * The SNS topic every alarm and failure event of the stack notifies: encrypted with its own customer
 * managed key, rotated yearly, published to over TLS only.
 *
 * SNS encrypts a message with the topic's key when it is published, so the publisher needs the key:
 * CloudWatch (alarm actions) and EventBridge (rule targets) get `kms:GenerateDataKey*` and
 * `kms:Decrypt` in the key policy, as "Enable compatibility between event sources from AWS services
 * and encrypted topics" requires (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 * CloudWatch's statement is written here, limited to this account's alarms with `aws:SourceAccount`
 * and `aws:SourceArn`. EventBridge's is added by each rule that targets the topic (aws-events-targets
 * `SnsTopic` calls `topic.grantPublish(events.amazonaws.com)`, which grants the key too), without
 * conditions, as on that page: EventBridge's requests to KMS do not carry those condition keys.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the alarm notifications of this stack',
      enableKeyRotation: true,
      pendingWindow: props.pendingWindow ?? Duration.days(30),
      // Notifications are delivered, not stored: nothing outlives the stack that needs the key.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.key.addToResourcePolicy(grantsOnlyForAwsResources());
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          },
        },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `${stack.stackName} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.emailAddress) this.topic.addSubscription(new subscriptions.EmailSubscription(props.emailAddress));
  }
}
