import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { VERIFY_HOOK_ENV, VERIFY_HOOK_STAGE } from '../deploy-hooks/verify-test-traffic';
import { TIME_MARGIN_S, REQUEST_DEADLINE_MS } from '../verify/budget';
import { DEFAULT_SLOW_CLIENT_SECONDS } from '../verify/run-verify';
import { DEPLOY_HOOKS_DIR, LifecycleHookFunction } from './lifecycle-hook-function';
import { TEST_LISTENER_PORT } from './traffic-shift-targets';

/**
 * The hook's timeout: a verify run ends by the slow-client wait plus its margin plus one request's
 * deadline (lib/verify/budget.ts), and the hook answers FAILED 5 s before Lambda would stop it.
 */
export const VERIFY_HOOK_TIMEOUT = Duration.seconds(DEFAULT_SLOW_CLIENT_SECONDS + TIME_MARGIN_S + REQUEST_DEADLINE_MS / 1000 + 30);

export interface VerifyHookProps {
  /** The service whose deployments the hook verifies (its cluster's VPC is where the function runs). */
  readonly service: ecs.BaseService;
  /** The test listener's URL (lib/constructs/traffic-shift-targets.ts). */
  readonly testUrl: string;
  /** The methods the app accepts (app.methods): the method probe expects those beyond GET, HEAD and POST to pass. */
  readonly appMethods: readonly string[];
  readonly logRetention: logs.RetentionDays;
  readonly logEncryptionKey?: kms.IKey;
}

/**
 * The hook that runs `secure-ecs verify`'s probes against the new revision through the test listener
 * at POST_TEST_TRAFFIC_SHIFT, before production traffic moves (lib/deploy-hooks/verify-test-traffic.ts).
 *
 * Reachability: the function runs in the private subnets and the test listener is on the
 * internet-facing load balancer, whose DNS name resolves to public addresses, so its requests leave
 * through a NAT gateway and arrive from the gateway's Elastic IP. The test listener admits only those
 * addresses (TrafficShiftTargets): that is the gate. The function's security group allows egress on
 * the test port only, to any IPv4 address: an egress rule matches the destination (the load
 * balancer's public addresses, which AWS changes as it scales), not the NAT address the packet
 * leaves with, so a rule naming the NAT addresses would match nothing. Its DNS queries go to the VPC's resolver, which security groups do not filter
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html: "Security groups do not
 * filter traffic destined to and from" Amazon DNS). Anything else in the VPC that egresses through
 * the same gateways could reach the test listener too; it serves the same app the public listener
 * serves.
 */
export class VerifyHook extends Construct {
  readonly hook: LifecycleHookFunction;

  constructor(scope: Construct, id: string, props: VerifyHookProps) {
    super(scope, id);
    this.hook = new LifecycleHookFunction(this, 'VerifyTestTraffic', {
      entry: path.join(DEPLOY_HOOKS_DIR, 'verify-test-traffic.ts'),
      stages: [ecs.DeploymentLifecycleStage[VERIFY_HOOK_STAGE]],
      description: 'Runs secure-ecs verify against the new revision through the test listener; fails the deployment when a probe fails',
      vpc: props.service.cluster.vpc,
      timeout: VERIFY_HOOK_TIMEOUT,
      environment: {
        [VERIFY_HOOK_ENV.testUrl]: props.testUrl,
        [VERIFY_HOOK_ENV.allowedMethods]: props.appMethods.filter((m) => !['GET', 'HEAD', 'POST'].includes(m)).join(','),
      },
      logRetention: props.logRetention,
      logEncryptionKey: props.logEncryptionKey,
    });
    this.hook.securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(TEST_LISTENER_PORT),
      "The test listener on the load balancer's public addresses, through a NAT gateway",
    );
    props.service.addLifecycleHook(this.hook.target);
  }
}
