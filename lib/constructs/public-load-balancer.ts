import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { EdgeConfig } from '../config/app-config';

export interface PublicLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly config: EdgeConfig;
}

/**
 * The internet-facing ALB: HTTP, or HTTPS with an HTTP redirect when a certificate is configured.
 * It drops invalid header fields, uses defensive desync mitigation, appends the client address to
 * X-Forwarded-For (nginx keys its rate limit on it) and logs every request to an encrypted,
 * TLS-only bucket. Optionally an AWS WAF rate-based rule adds a global per-IP limit, because
 * nginx's limits are per task (pitfalls P7).
 */
export class PublicLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly url: string;

  constructor(scope: Construct, id: string, props: PublicLoadBalancerProps) {
    super(scope, id);
    const { vpc, config } = props;

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED, // ALB log delivery supports SSE-S3.
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      lifecycleRules: [{ expiration: Duration.days(config.accessLogRetentionDays) }],
      // Kept on `cdk destroy`: access logs are evidence. Delete the bucket by hand when done (README).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'This bucket only receives ALB access logs; logging its own access would recurse into another bucket for little value.',
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Resource', {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      dropInvalidHeaderFields: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.DEFENSIVE,
      xffHeaderProcessingMode: elbv2.XffHeaderProcessingMode.APPEND,
    });
    this.loadBalancer.logAccessLogs(accessLogs);
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions::AwsSolutions-EC23',
      reason: 'A public web entry point: the ALB security group must accept 80/443 from anywhere; tasks accept only the ALB.',
    });

    if (config.certificateArn) {
      const certificate = acm.Certificate.fromCertificateArn(this, 'Certificate', config.certificateArn);
      this.listener = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [certificate],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        open: true,
      });
      this.loadBalancer.addRedirect({ sourcePort: 80, sourceProtocol: elbv2.ApplicationProtocol.HTTP, targetPort: 443, targetProtocol: elbv2.ApplicationProtocol.HTTPS });
      this.url = `https://${this.loadBalancer.loadBalancerDnsName}`;
    } else {
      this.listener = this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: true,
      });
      this.url = `http://${this.loadBalancer.loadBalancerDnsName}`;
    }

    if (config.enableWaf) {
      const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
        scope: 'REGIONAL',
        defaultAction: { allow: {} },
        visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'secure-ecs-web-acl', sampledRequestsEnabled: true },
        rules: [
          {
            name: 'global-per-ip-rate-limit',
            priority: 0,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: config.wafRequestsPer5Minutes, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
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
