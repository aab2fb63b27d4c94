import { Aws, CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** GitHub Actions' OIDC issuer (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect). */
const GITHUB_OIDC_URL = 'https://token.actions.githubusercontent.com';
const ISSUER = 'token.actions.githubusercontent.com';
/** The audience aws-actions/configure-aws-credentials requests by default. */
const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

/** One environment of the account: it gets a deploy role (and, when asked, a diff role). */
export interface DeployRoleEnvironment {
  /** The environment's name: the GitHub environment whose jobs may assume the deploy role. */
  readonly name: string;
  /** The region its CDK bootstrap roles live in. */
  readonly region: string;
  /** Also create the read-only role pull requests use for `cdk diff --method=template`. */
  readonly pullRequestDiffRole: boolean;
}

export interface GitHubDeployRolesStackProps extends StackProps {
  /** owner/name of the repository whose workflows are trusted. */
  readonly repository: string;
  /** The account's environments. */
  readonly environments: readonly DeployRoleEnvironment[];
  /** The CDK bootstrap qualifier (`@aws-cdk/core:bootstrapQualifier`, default hnb659fds). */
  readonly qualifier: string;
  /**
   * An existing GitHub OIDC provider of the account (IAM allows one per URL).
   *
   * @default - the stack creates it
   */
  readonly oidcProviderArn?: string;
}

/**
 * GitHub Actions deploys without long-lived keys: the account's GitHub OIDC identity provider and,
 * per environment, a role that only a job of that GitHub environment in that repository can assume
 * (`sub` is `repo:<owner>/<name>:environment:<env>`, `aud` sts.amazonaws.com), and that may do one
 * thing: assume the CDK bootstrap roles of its account and region, which hold the actual deploy
 * rights (https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html). Binding the subject to an
 * environment means the environment's protection rules (required reviewers, branches) gate every
 * use of the role (https://docs.github.com/en/actions/deployment/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services).
 */
export class GitHubDeployRolesStack extends Stack {
  readonly provider: iam.IOidcProvider;
  readonly deployRoles: Record<string, iam.Role> = {};
  readonly diffRoles: Record<string, iam.Role> = {};

  constructor(scope: Construct, id: string, props: GitHubDeployRolesStackProps) {
    super(scope, id, props);
    // The native CloudFormation resource needs no custom-resource Lambda; without thumbprints IAM
    // verifies GitHub's certificate against its trusted CAs (github.blog changelog 2023-07-13).
    this.provider = props.oidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GitHubOidc', props.oidcProviderArn)
      : new iam.OidcProviderNative(this, 'GitHubOidc', { url: GITHUB_OIDC_URL, clientIds: [GITHUB_OIDC_AUDIENCE] });

    const account = this.account;
    for (const env of props.environments) {
      const bootstrapRoles = `arn:${Aws.PARTITION}:iam::${account}:role/cdk-${props.qualifier}-*-role-${account}-${env.region}`;
      const deploy = this.githubRole(
        `${env.name}DeployRole`,
        `repo:${props.repository}:environment:${env.name}`,
        bootstrapRoles,
        `GitHub Actions deploys of ${props.repository} to environment ${env.name}: may only assume the CDK bootstrap roles`,
      );
      Validations.of(deploy).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::${account}:role/cdk-${props.qualifier}-*-role-${account}-${env.region}]`,
        reason:
          'The wildcard stands for the four CDK bootstrap roles of this account and region (deploy, file-publishing, ' +
          'image-publishing, lookup); the deploy needs all four and nothing else.',
      });
      this.deployRoles[env.name] = deploy;
      new CfnOutput(this, `${env.name}DeployRoleArn`, {
        value: deploy.roleArn,
        description: `AWS_DEPLOY_ROLE_ARN of GitHub environment ${env.name}`,
      });

      if (env.pullRequestDiffRole) {
        // Pull-request jobs run the PR's own workflow file, so they get no deploy rights: only the
        // lookup role (read-only), which `cdk diff --method=template` uses to read the deployed template.
        const diff = this.githubRole(
          `${env.name}DiffRole`,
          `repo:${props.repository}:pull_request`,
          `arn:${Aws.PARTITION}:iam::${account}:role/cdk-${props.qualifier}-lookup-role-${account}-${env.region}`,
          `cdk diff of ${props.repository} pull requests against environment ${env.name}: may only assume the CDK lookup role`,
        );
        this.diffRoles[env.name] = diff;
        new CfnOutput(this, `${env.name}DiffRoleArn`, {
          value: diff.roleArn,
          description: `AWS_DIFF_ROLE_ARN (repository variable) for pull requests against ${env.name}`,
        });
      }
    }
  }

  private githubRole(id: string, subject: string, assumable: string, description: string): iam.Role {
    const role = new iam.Role(this, id, {
      description,
      assumedBy: new iam.WebIdentityPrincipal(this.provider.oidcProviderArn, {
        StringEquals: { [`${ISSUER}:aud`]: GITHUB_OIDC_AUDIENCE, [`${ISSUER}:sub`]: subject },
      }),
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [assumable] }));
    return role;
  }
}
