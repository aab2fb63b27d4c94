import { Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { PublicLoadBalancer, type PublicLoadBalancerProps } from '../../lib/constructs/public-load-balancer';
import { freshStack } from '../helpers/fresh-stack';

/**
 * A fresh stack with a VPC, and the load balancer built with the props `props(stack)` gives. Its
 * listener gets a fixed 404 as default action: the construct leaves the targets to its user
 * (WebService adds them), and CDK rejects a listener with neither.
 */
function build(props: (stack: Stack) => Partial<PublicLoadBalancerProps> = () => ({})) {
  const stack = freshStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, restrictDefaultSecurityGroup: false });
  const lb = new PublicLoadBalancer(stack, 'LoadBalancer', { vpc, ...props(stack) });
  lb.listener.addAction('Default', { action: elbv2.ListenerAction.fixedResponse(404) });
  return { stack, lb, template: Template.fromStack(stack) };
}

const attribute = (key: string, value: string) => ({ Key: key, Value: value });

describe('PublicLoadBalancer', () => {
  describe('defaults', () => {
    // GIVEN a VPC; WHEN the load balancer has only it
    const { lb, template } = build();

    test('internet-facing, drops invalid headers, defensive desync mitigation, appends X-Forwarded-For, logs access, no deletion protection', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Scheme: 'internet-facing',
        LoadBalancerAttributes: Match.arrayWith([
          attribute('deletion_protection.enabled', 'false'),
          attribute('routing.http.drop_invalid_header_fields.enabled', 'true'),
          attribute('routing.http.desync_mitigation_mode', 'defensive'),
          attribute('routing.http.xff_header_processing.mode', 'append'),
          attribute('access_logs.s3.enabled', 'true'),
        ]),
      });
    });

    test('HTTP on 80 only, no redirect, no web ACL', () => {
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
      template.resourceCountIs('AWS::WAFv2::WebACL', 0);
      expect(lb.url.startsWith('http://')).toBe(true);
    });

    test('one SSE-S3, unversioned access-log bucket expiring after 90 days, and no second bucket', () => {
      template.resourceCountIs('AWS::S3::Bucket', 1);
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: Match.absent(),
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] },
      });
      expect(lb.serverAccessLogs).toBeUndefined();
    });
  });

  test('a certificate adds HTTPS on 443 with a TLS 1.2+ policy and redirects HTTP to it', () => {
    // WHEN
    const { template, lb } = build((stack) => ({
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:111122223333:certificate/abc'),
    }));
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc' }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [{ Type: 'redirect', RedirectConfig: Match.objectLike({ Port: '443', Protocol: 'HTTPS' }) }],
    });
    expect(lb.url.startsWith('https://')).toBe(true);
  });

  test('a web ACL with a per-IP rate-based rule when a rate is given', () => {
    const { template } = build(() => ({ webAclRequestsPer5Minutes: 500 }));
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: [Match.objectLike({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } } })],
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  test('deletion protection, retention and protected access logs come from the props', () => {
    // GIVEN / WHEN
    const { stack, lb, template } = build((s) => ({
      deletionProtection: true,
      accessLogRetention: Duration.days(30),
      protectedAccessLogs: { serverAccessLogsEncryptionKey: new kms.Key(s, 'Key') },
    }));
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([attribute('deletion_protection.enabled', 'true')]),
    });
    const accessLogsId = stack.getLogicalId(lb.accessLogs.node.defaultChild as s3.CfnBucket);
    const serverLogsId = stack.getLogicalId(lb.serverAccessLogs!.node.defaultChild as s3.CfnBucket);
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets).sort()).toEqual([accessLogsId, serverLogsId].sort());
    // The access logs stay SSE-S3 (ALB delivery supports nothing else) and log to the KMS-encrypted bucket.
    expect(buckets[accessLogsId].Properties).toEqual(
      expect.objectContaining({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: serverLogsId } },
      }),
    );
    expect(buckets[serverLogsId].Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    for (const b of Object.values(buckets)) {
      expect(b.Properties).toEqual(expect.objectContaining({ VersioningConfiguration: { Status: 'Enabled' }, ObjectLockEnabled: true }));
      expect(b.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(30);
    }
  });
});
