import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as signer from 'aws-cdk-lib/aws-signer';
import { Construct } from 'constructs';

export interface ImageSigningProps {
  /** The repository whose pushed images ECR signs (the CDK assets repository). */
  readonly repositoryName: string;
  /** The role that pushes to it (the bootstrap's image-publishing role): ECR signs as that role. */
  readonly pushingRoleName: string;
}

/**
 * ECR managed signing (https://docs.aws.amazon.com/AmazonECR/latest/userguide/managed-signing.html):
 * an AWS Signer profile for the Notation OCI platform and the registry's signing configuration,
 * whose one rule signs only images pushed to `repositoryName`. ECR signs with the identity of the
 * principal that pushes, which must be allowed `signer:SignPayload` on the profile; the bootstrap's
 * image-publishing role is granted exactly that, on this profile.
 *
 * The signing configuration is one per registry (account and region): a registry that already has
 * one must merge its rules here, or CloudFormation fails to create this one (README).
 */
export class ImageSigning extends Construct {
  readonly profile: signer.SigningProfile;

  constructor(scope: Construct, id: string, props: ImageSigningProps) {
    super(scope, id);
    this.profile = new signer.SigningProfile(this, 'Profile', {
      platform: signer.Platform.NOTATION_OCI_SHA384_ECDSA,
    });
    new ecr.CfnSigningConfiguration(this, 'Configuration', {
      rules: [
        {
          signingProfileArn: this.profile.signingProfileArn,
          // ECR matches the filter as a wildcard pattern; the name has no `*`, so it names one repository.
          repositoryFilters: [{ filter: props.repositoryName, filterType: 'WILDCARD_MATCH' }],
        },
      ],
    });
    const pusher = iam.Role.fromRoleName(this, 'ImagePublishingRole', props.pushingRoleName);
    // An inline policy attached to the bootstrap role by this stack: removed with it.
    new iam.Policy(this, 'SignWithProfile', {
      roles: [pusher],
      statements: [new iam.PolicyStatement({ actions: ['signer:SignPayload'], resources: [this.profile.signingProfileArn] })],
    });
  }
}
