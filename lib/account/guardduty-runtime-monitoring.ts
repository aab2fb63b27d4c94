import { RemovalPolicy } from 'aws-cdk-lib';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import { Construct } from 'constructs';

/**
 * The account's GuardDuty detector in this region, with Runtime Monitoring and GuardDuty's automated
 * agent management for EC2 (https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring-configuration.html):
 * GuardDuty installs its security agent on the ECS container instances through SSM (an RPM on
 * AL2023; a host container on Bottlerocket from v1.62.1), and the agent reports through the
 * guardduty-data VPC endpoint the app's network creates with the same setting.
 *
 * An account has at most one detector per region: CloudFormation refuses to create a second one.
 * An account that already has one imports it into this stack with `cdk import` (README), so its
 * findings history stays. The detector is retained when the setting is turned off or the stack is
 * deleted: deleting it would delete its findings.
 */
export class GuardDutyRuntimeMonitoring extends Construct {
  readonly detector: guardduty.CfnDetector;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.detector = new guardduty.CfnDetector(this, 'Detector', {
      enable: true,
      features: [
        {
          name: 'RUNTIME_MONITORING',
          status: 'ENABLED',
          additionalConfiguration: [{ name: 'EC2_AGENT_MANAGEMENT', status: 'ENABLED' }],
        },
      ],
    });
    this.detector.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}
