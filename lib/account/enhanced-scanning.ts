import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface EnhancedScanningProps {
  /** The repository Amazon Inspector scans (the CDK assets repository). */
  readonly repositoryName: string;
  /** Where critical and high findings on images in use are sent. */
  readonly topic: sns.ITopic;
}

/** Severities that notify: the ones a deployment should not carry (Inspector's scale: CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNTRIAGED). */
const NOTIFIED_SEVERITIES = ['CRITICAL', 'HIGH'] as const;

/**
 * ECR enhanced scanning (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced.html):
 * the registry's scanning configuration turns Amazon Inspector on for the repository, scanning each
 * pushed image and rescanning it whenever Inspector learns of a new vulnerability (CONTINUOUS_SCAN).
 *
 * The scanning configuration is one per registry: with scan type ENHANCED, repositories that match
 * no rule are not scanned at all, basic scan-on-push included (README says so before you turn it on).
 *
 * An EventBridge rule sends Inspector's findings of severity {@link NOTIFIED_SEVERITIES} on an image
 * of this repository that ECS or EKS runs (`inUseCount` above 0: Inspector tracks which images are in
 * use, https://docs.aws.amazon.com/inspector/latest/user/findings-understanding-details.html) to
 * the topic. Event shape: https://docs.aws.amazon.com/inspector/latest/user/eventbridge-integration.html.
 */
export class EnhancedScanning extends Construct {
  readonly findingsRule: events.Rule;

  constructor(scope: Construct, id: string, props: EnhancedScanningProps) {
    super(scope, id);
    new ecr.CfnRegistryScanningConfiguration(this, 'Configuration', {
      scanType: 'ENHANCED',
      rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: props.repositoryName, filterType: 'WILDCARD' }] }],
    });
    this.findingsRule = new events.Rule(this, 'InUseFindings', {
      description: `Critical and high Inspector findings on images of ${props.repositoryName} that run`,
      eventPattern: {
        source: ['aws.inspector2'],
        detailType: ['Inspector2 Finding'],
        detail: {
          severity: [...NOTIFIED_SEVERITIES],
          status: ['ACTIVE'],
          resources: {
            type: ['AWS_ECR_CONTAINER_IMAGE'],
            details: { awsEcrContainerImage: { repositoryName: [props.repositoryName], inUseCount: [{ numeric: ['>', 0] }] } },
          },
        },
      },
      targets: [new targets.SnsTopic(props.topic)],
    });
  }
}
