import * as path from 'node:path';
import { DefaultStackSynthesizer, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { admissionEnvironment } from '../deploy-hooks/image-admission-settings';
import { DEPLOY_HOOKS_DIR, LifecycleHookFunction } from './lifecycle-hook-function';

/** The hook's timeout: a handful of ECS and ECR calls, each bounded (lib/deploy-hooks/admit-images.ts); it answers FAILED 5 s before. */
const IMAGE_ADMISSION_TIMEOUT = Duration.seconds(60);

export interface ImageAdmissionHookProps {
  /** The service whose deployments the hook admits (its cluster's VPC is where the function runs). */
  readonly service: ecs.BaseService;
  /** Every image must have a completed ECR managed signing signature. */
  readonly requireSignature: boolean;
  /** Scan-finding severities that refuse an image; empty: scan results are not read. */
  readonly blockSeverities: readonly string[];
  /** Finding ids accepted despite their severity. */
  readonly acceptedFindings: readonly string[];
  readonly logRetention: logs.RetentionDays;
  readonly logEncryptionKey?: kms.IKey;
}

/**
 * The CDK assets repository the stack's image assets are published to: `cdk bootstrap`'s
 * `cdk-<qualifier>-container-assets-<account>-<region>` (aws-cdk-lib DefaultStackSynthesizer
 * DEFAULT_IMAGE_ASSETS_REPOSITORY_NAME), with the stack's qualifier.
 */
function assetsRepository(stack: Stack): { name: string; uri: string; arn: string } {
  const qualifier =
    (stack.synthesizer instanceof DefaultStackSynthesizer ? stack.synthesizer.bootstrapQualifier : undefined) ??
    stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ??
    DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const name = `cdk-${qualifier}-container-assets-${stack.account}-${stack.region}`;
  return {
    name,
    uri: `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}/${name}`,
    arn: stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: name }),
  };
}

/**
 * The admission hook (`service.imageAdmission`): at PRE_SCALE_UP, before any task of the new
 * revision starts, it checks every image of the revision (lib/deploy-hooks/admit-images.ts) and
 * fails the deployment naming the image and the reason. Its role reads the revision and its task
 * definition from ECS and the images' details, signing status and scan findings from the assets
 * repository only. It reaches the ECS and ECR APIs over HTTPS through the NAT gateways (the
 * function's security group allows 443 out and nothing else); the VPC has no interface endpoints.
 */
export class ImageAdmissionHook extends Construct {
  readonly hook: LifecycleHookFunction;

  constructor(scope: Construct, id: string, props: ImageAdmissionHookProps) {
    super(scope, id);
    const repository = assetsRepository(Stack.of(this));
    this.hook = new LifecycleHookFunction(this, 'AdmitImages', {
      entry: path.join(DEPLOY_HOOKS_DIR, 'admit-images.ts'),
      stages: [ecs.DeploymentLifecycleStage.PRE_SCALE_UP],
      description: 'Checks every image of the new revision (repository, digest, signature, scan findings) before its tasks start',
      vpc: props.service.cluster.vpc,
      timeout: IMAGE_ADMISSION_TIMEOUT,
      environment: admissionEnvironment.write({
        repositoryUri: repository.uri,
        requireSignature: props.requireSignature,
        blockSeverities: props.blockSeverities,
        acceptedFindings: props.acceptedFindings,
      }),
      logRetention: props.logRetention,
      logEncryptionKey: props.logEncryptionKey,
    });
    this.hook.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'The ECS and ECR APIs over HTTPS, through the NAT gateways');
    const role = this.hook.function.role!;
    // DescribeServiceRevisions and DescribeTaskDefinition support no resource-level permissions
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeServiceRevisions', 'ecs:DescribeTaskDefinition'], resources: ['*'] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'ecr:DescribeImages',
          ...(props.requireSignature ? ['ecr:DescribeImageSigningStatus'] : []),
          ...(props.blockSeverities.length > 0 ? ['ecr:DescribeImageScanFindings'] : []),
        ],
        resources: [repository.arn],
      }),
    );
    // Enhanced scanning's findings come from Amazon Inspector: the principal retrieving them needs
    // inspector2:ListFindings, which has no resource-level permission
    // (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-iam.html).
    if (props.blockSeverities.length > 0) role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['inspector2:ListFindings'], resources: ['*'] }));
    props.service.addLifecycleHook(this.hook.target);
  }
}
