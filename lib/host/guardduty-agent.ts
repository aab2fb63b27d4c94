import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The repository GuardDuty keeps its Bottlerocket agent image in: one per region, in an account of
 * GuardDuty's that differs by region (593207742271 in us-east-1, 694911143906 in eu-west-1, ...:
 * https://docs.aws.amazon.com/guardduty/latest/ug/ecs-ec2-bottlerocket-runtime-agent-ecr-image-uri.html).
 */
const AGENT_REPOSITORY = 'aws-guardduty-agent-ecs-ec2';

/**
 * On Bottlerocket, GuardDuty's agent runs as a host container that SSM Distributor starts and the
 * host pulls from GuardDuty's ECR repository with the instance role, which therefore needs to read
 * that repository (GuardDuty's guide names the AmazonEC2ContainerRegistryReadOnly policy; these are
 * the three read actions of it that a pull uses, on that repository only). ecr:GetAuthorizationToken
 * the role has already (the ECS agent's statement). AL2023 needs nothing more: GuardDuty installs an
 * RPM through SSM, and the instance role has AmazonSSMManagedInstanceCore
 * (https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-ec2-support.html).
 */
export function guardDutyAgentImagePull(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
    resources: [`arn:${Aws.PARTITION}:ecr:${Aws.REGION}:*:repository/${AGENT_REPOSITORY}`],
  });
}

export function acknowledgeGuardDutyAgentImagePull(role: iam.IRole): void {
  const reason =
    "The account in the ARN is GuardDuty's, which differs by region and is not published as data CDK can read; " +
    `the repository name (${AGENT_REPOSITORY}) and the region are fixed, and the actions are the three of an image pull.`;
  Validations.of(role).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:*:repository/${AGENT_REPOSITORY}]`,
    reason,
  });
}
