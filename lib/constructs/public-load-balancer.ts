import { Duration, Validations } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { LOG_BUCKET_DEFAULTS, LogBucket } from './log-bucket';

/** The load balancer's defaults: the configuration schema (lib/config/app-config.ts) reads them from here. */
export const PUBLIC_LOAD_BALANCER_DEFAULTS = {
  /** Access logs are kept as long as a log bucket keeps its objects by default. */
  accessLogRetentionDays: LOG_BUCKET_DEFAULTS.expirationDays,
} as const;

export interface PublicLoadBalancerProps {
  /** The VPC whose public subnets hold the load balancer. */
  readonly vpc: ec2.IVpc;
  /**
   * Certificate to serve HTTPS on 443 with; HTTP on 80 then redirects to it.
   *
   * @default - HTTP only, on 80
   */
  readonly certificate?: acm.ICertificate;
  /**
   * Requests per client IP per 5 minutes allowed by an AWS WAF rate-based rule (a global per-IP
   * limit across tasks, since nginx's limits are per task).
   *
   * @default - no web ACL
   */
  readonly webAclRequestsPer5Minutes?: number;
  /**
   * How long access logs are kept.
   *
   * @default - PUBLIC_LOAD_BALANCER_DEFAULTS.accessLogRetentionDays
   */
  readonly accessLogRetention?: Duration;
  /**
   * Refuse to delete the load balancer until this is turned off (`cdk destroy` then fails first).
   *
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Protect the access logs as AWS Control Tower's S3 controls ask: versioning, Object Lock and
   * EventBridge notifications on the access-log bucket, whose server access logs go to a second,
   * KMS-encrypted bucket with the same protections.
   *
   * @default - the access-log bucket only, unversioned
   */
  readonly protectedAccessLogs?: { readonly serverAccessLogsEncryptionKey: kms.IKey };
}

/**
 * The internet-facing ALB: HTTP, or HTTPS with an HTTP redirect when a certificate is given.
 * It drops invalid header fields, uses defensive desync mitigation, appends the client address to
 * X-Forwarded-For (nginx keys its rate limit on it) and logs every request to an encrypted,
 * TLS-only bucket. Optionally an AWS WAF rate-based rule adds a global per-IP limit, because
 * nginx's limits apply per task and a client spread over several tasks gets each task's allowance.
 */
export class PublicLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly accessLogs: LogBucket;
  /** Receives the access-log bucket's server access logs, with `protectedAccessLogs`. */
  readonly serverAccessLogs?: LogBucket;
  readonly url: string;

  constructor(scope: Construct, id: string, props: PublicLoadBalancerProps) {
    super(scope, id);
    const { vpc } = props;
    const protect = props.protectedAccessLogs;
    const expiration = props.accessLogRetention ?? Duration.days(PUBLIC_LOAD_BALANCER_DEFAULTS.accessLogRetentionDays);

    if (protect) {
      this.serverAccessLogs = new LogBucket(this, 'ServerAccessLogs', {
        expiration,
        encryptionKey: protect.serverAccessLogsEncryptionKey,
        versioned: true,
        objectLockEnabled: true,
        eventBridgeEnabled: true,
      });
      Validations.of(this.serverAccessLogs).acknowledge({
        id: 'AwsSolutions::AwsSolutions-S1',
        reason: 'The last bucket of the log chain: logging its own access would log the log writes, an endless loop S3 warns against.',
      });
    }
    // ALB log delivery supports SSE-S3 only, so this bucket cannot use the KMS key.
    this.accessLogs = new LogBucket(this, 'AccessLogs', {
      expiration,
      versioned: protect !== undefined,
      objectLockEnabled: protect !== undefined,
      eventBridgeEnabled: protect !== undefined,
      serverAccessLogsBucket: this.serverAccessLogs,
    });
    if (!protect) {
      Validations.of(this.accessLogs).acknowledge({
        id: 'AwsSolutions::AwsSolutions-S1',
        reason: 'This bucket only receives ALB access logs; logging its own access would recurse into another bucket for little value.',
      });
    }

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Resource', {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      dropInvalidHeaderFields: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.DEFENSIVE,
      xffHeaderProcessingMode: elbv2.XffHeaderProcessingMode.APPEND,
      deletionProtection: props.deletionProtection || undefined,
    });
    this.loadBalancer.logAccessLogs(this.accessLogs);
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions::AwsSolutions-EC23',
      reason: 'A public web entry point: the ALB security group must accept 80/443 from anywhere; tasks accept only the ALB.',
    });
    Validations.of(this.loadBalancer).acknowledge({
      id: 'secure-ecs-audit::EC2-SG-01',
      reason:
        'The internet-facing load balancer is the public entry point and must accept 80/443 from anywhere; the task security ' +
        'group accepts only this group, on the target port.',
    });

    if (props.certificate) {
      this.listener = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [props.certificate],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        open: true,
      });
      this.loadBalancer.addRedirect({
        sourcePort: 80,
        sourceProtocol: elbv2.ApplicationProtocol.HTTP,
        targetPort: 443,
        targetProtocol: elbv2.ApplicationProtocol.HTTPS,
      });
      this.url = `https://${this.loadBalancer.loadBalancerDnsName}`;
    } else {
      this.listener = this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: true,
      });
      this.url = `http://${this.loadBalancer.loadBalancerDnsName}`;
      Validations.of(this.loadBalancer).acknowledge({
        id: 'secure-ecs-audit::ELB-TLS-01',
        reason:
          'Without a certificate there is nothing to serve HTTPS with, so the load balancer is HTTP only; given one, it adds ' +
          'HTTPS with a TLS 1.2+ policy and an HTTP redirect, and this acknowledgement is not applied.',
      });
    }

    if (props.webAclRequestsPer5Minutes !== undefined) {
      const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
        scope: 'REGIONAL',
        defaultAction: { allow: {} },
        visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'secure-ecs-web-acl', sampledRequestsEnabled: true },
        rules: [
          {
            name: 'global-per-ip-rate-limit',
            priority: 0,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: props.webAclRequestsPer5Minutes, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
            visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'global-per-ip-rate-limit', sampledRequestsEnabled: true },
          },
        ],
      });
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: this.loadBalancer.loadBalancerArn,
        webAclArn: acl.attrArn,
      });
    }
  }
}
