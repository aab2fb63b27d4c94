import { Construct } from 'constructs';
import { AlarmTopic } from '../constructs/alarm-topic';
import type { AccountSettings } from './account-settings';
import { EnhancedScanning } from './enhanced-scanning';
import { GuardDutyRuntimeMonitoring } from './guardduty-runtime-monitoring';
import { ImageSigning } from './image-signing';

export interface RegistryAndDetectionProps {
  /** Which of the three to build. */
  readonly settings: AccountSettings;
  /** The repository the CDK publishes image assets to. */
  readonly assetsRepositoryName: string;
  /** The role that pushes the image assets (ECR signs as it). */
  readonly imagePublishingRoleName: string;
  /**
   * An e-mail address subscribed to the account's alarm topic.
   *
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * The account's environments use compliance "control-tower": the detector also gets what the
   * Control Tower proactive controls require of it (S3 Protection).
   *
   * @default false
   */
  readonly controlTower?: boolean;
}

/**
 * The account- and registry-level settings of the account stack (README "Supply chain and runtime
 * detection"): image signing and enhanced scanning of the CDK assets repository, and GuardDuty
 * Runtime Monitoring. Findings notify an encrypted alarm topic of this stack, the same construct the
 * app's stack uses: the app's topic lives in another stack (and perhaps another region), and an
 * EventBridge rule can target only a topic of its own region, so the account stack has its own.
 */
export class RegistryAndDetection extends Construct {
  readonly signing?: ImageSigning;
  readonly scanning?: EnhancedScanning;
  readonly guardDuty?: GuardDutyRuntimeMonitoring;
  readonly alarmTopic?: AlarmTopic;

  constructor(scope: Construct, id: string, props: RegistryAndDetectionProps) {
    super(scope, id);
    const s = props.settings;
    if (s.imageSigning) {
      this.signing = new ImageSigning(this, 'ImageSigning', {
        repositoryName: props.assetsRepositoryName,
        pushingRoleName: props.imagePublishingRoleName,
      });
    }
    if (s.enhancedScanning) {
      this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { emailAddress: props.alarmEmail });
      this.scanning = new EnhancedScanning(this, 'EnhancedScanning', { repositoryName: props.assetsRepositoryName, topic: this.alarmTopic.topic });
    }
    if (s.guardDutyRuntimeMonitoring) this.guardDuty = new GuardDutyRuntimeMonitoring(this, 'GuardDuty', { s3Protection: props.controlTower });
  }
}
