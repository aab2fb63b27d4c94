import { RemovalPolicy, Validations } from 'aws-cdk-lib';
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
export interface GuardDutyRuntimeMonitoringProps {
  /**
   * Also turn on S3 Protection (the S3_DATA_EVENTS feature), which AWS Control Tower's proactive
   * control CT.GUARDDUTY.PR.1 requires of every detector.
   *
   * @default false
   */
  readonly s3Protection?: boolean;
}

export class GuardDutyRuntimeMonitoring extends Construct {
  readonly detector: guardduty.CfnDetector;

  constructor(scope: Construct, id: string, props: GuardDutyRuntimeMonitoringProps = {}) {
    super(scope, id);
    this.detector = new guardduty.CfnDetector(this, 'Detector', {
      enable: true,
      features: [
        {
          name: 'RUNTIME_MONITORING',
          status: 'ENABLED',
          additionalConfiguration: [{ name: 'EC2_AGENT_MANAGEMENT', status: 'ENABLED' }],
        },
        ...(props.s3Protection ? [{ name: 'S3_DATA_EVENTS', status: 'ENABLED' }] : []),
      ],
    });
    this.detector.applyRemovalPolicy(RemovalPolicy.RETAIN);
    if (props.s3Protection) {
      // The guard rule reads only the older DataSources.S3Logs; GuardDuty now configures protections
      // as features, S3_DATA_EVENTS in place of S3Logs, and this detector uses features throughout
      // (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfiguration.html).
      Validations.of(this.detector).acknowledge({
        id: 'cdk-validator-cfnguard::guardduty_s3_protection_enabled_check',
        reason:
          'S3 Protection is on, as the S3_DATA_EVENTS feature that replaced DataSources.S3Logs; the control reads only the older property, ' +
          'and this detector configures every protection as a feature.',
      });
    }
  }
}
