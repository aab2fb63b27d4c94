import { Stack, Validations } from 'aws-cdk-lib';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { PublicLoadBalancer } from '../constructs/public-load-balancer';
import { CONTROL_TOWER_PLUGIN_NAME } from './control-tower-plugin';

/** The acknowledgement id CDK matches against the guard plugin's violations. */
const ct = (rule: string) => `${CONTROL_TOWER_PLUGIN_NAME}::${rule}`;

export interface ControlTowerExceptionOptions {
  /** No certificate is configured, so the HTTP listener serves instead of redirecting. */
  readonly httpOnly: boolean;
  /** The test listener of a traffic-shifting deployment strategy (lib/constructs/traffic-shift-targets.ts), if any. */
  readonly testListener?: elbv2.ApplicationListener;
}

/**
 * The AWS Control Tower proactive controls the `control-tower` profile cannot pass, on the public
 * load balancer's logs and listener and in its stack, each acknowledged on the one resource it
 * concerns, with the reason and the public source. README "Compliance profiles" lists the same
 * exceptions; test/compliance.test.ts checks the two agree.
 */
export function acknowledgeControlTowerExceptions(loadBalancer: PublicLoadBalancer, options: ControlTowerExceptionOptions): void {
  Validations.of(loadBalancer.accessLogs).acknowledge({
    id: ct('s3_bucket_default_encryption_kms_check'),
    reason:
      'CT.S3.PR.10: ALB access log delivery supports only SSE-S3 on the destination bucket ' +
      '(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html, aws/aws-cdk#21947).',
  });
  if (loadBalancer.serverAccessLogs) {
    Validations.of(loadBalancer.serverAccessLogs).acknowledge({
      id: ct('s3_bucket_logging_enabled_check'),
      reason:
        'CT.S3.PR.2: the last bucket of the log chain. Its own access logs would have to go to itself, which S3 warns creates ' +
        'an endless loop of logs (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html), ' +
        'or to yet another bucket that then fails the same control.',
    });
  }
  if (options.httpOnly) {
    Validations.of(loadBalancer.listener).acknowledge({
      id: ct('alb_http_to_https_redirection_check'),
      reason:
        'CT.ELASTICLOADBALANCING.PR.1: without edge.certificateArn there is no HTTPS listener to redirect to. ' +
        'Set edge.certificateArn and the HTTP listener redirects, so this acknowledgement is no longer applied.',
    });
  }
  if (options.testListener) {
    Validations.of(options.testListener).acknowledge({
      id: ct('alb_http_to_https_redirection_check'),
      reason:
        'CT.ELASTICLOADBALANCING.PR.1: the test listener of service.deploymentStrategy serves the deployment hook only, over HTTP ' +
        "by design (its URL is the load balancer's DNS name, which no certificate names); it admits only the NAT gateways' addresses.",
    });
  }
  // aws-cdk-lib's singleton provider behind ec2.Vpc's restrictDefaultSecurityGroup (it removes
  // the default security group's rules once per deployment) offers no VPC placement. A stack
  // singleton, found at the root of the load balancer's stack (the VPC's too).
  const provider = Stack.of(loadBalancer).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
  if (provider) {
    Validations.of(provider).acknowledge({
      id: ct('lambda_inside_vpc_check'),
      reason:
        'CT.LAMBDA.PR.3: the function aws-cdk-lib creates for restrictDefaultSecurityGroup has no VPC setting ' +
        '(CustomResourceProvider); it runs only during deployments and calls only the EC2 API on the default security group.',
    });
  }
}
