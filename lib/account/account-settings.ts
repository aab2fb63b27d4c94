/**
 * The `account` settings' defaults, the names they derive, and the checks that relate them to
 * other settings. The schema (lib/config/app-config.ts) and the stacks read them from here.
 */
/** Every account setting is off until asked for: each costs money (README "Supply chain and runtime detection"). */
export const ACCOUNT_SETTINGS_DEFAULTS = {
  imageSigning: false,
  enhancedScanning: false,
  guardDutyRuntimeMonitoring: false,
} as const;

/**
 * An ECR repository name (2 to 256 characters; the pattern of CreateRepository's `repositoryName`,
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html).
 */
export const ECR_REPOSITORY_NAME = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/**
 * The repository `cdk bootstrap` creates for image assets, as the bootstrap template names it
 * (aws-cdk bootstrap-template.yaml, `ContainerAssetsRepositoryName` default:
 * `cdk-${Qualifier}-container-assets-${AWS::AccountId}-${AWS::Region}`).
 */
export function bootstrapAssetsRepositoryName(qualifier: string, account: string, region: string): string {
  return `cdk-${qualifier}-container-assets-${account}-${region}`;
}

/** The bootstrap role that pushes image assets (bootstrap-template.yaml, `ImagePublishingRole`). */
export function bootstrapImagePublishingRoleName(qualifier: string, account: string, region: string): string {
  return `cdk-${qualifier}-image-publishing-role-${account}-${region}`;
}

/** The three switches (the schema's `account` block; typed here so that this file does not import the schema that imports it). */
export interface AccountSettings {
  readonly imageSigning: boolean;
  readonly enhancedScanning: boolean;
  readonly guardDutyRuntimeMonitoring: boolean;
}

/** Whether any account setting is on: with none, the account stack is exactly the deploy-role stack it was. */
export function anyAccountSetting(account: AccountSettings): boolean {
  return account.imageSigning || account.enhancedScanning || account.guardDutyRuntimeMonitoring;
}

/**
 * Settings of the app that `account` settings depend on. GuardDuty installs its agent on EC2 through
 * the SSM agent; on Bottlerocket that runs in the control container
 * (https://docs.aws.amazon.com/guardduty/latest/ug/prereq-runtime-monitoring-ecs-ec2-bottlerocket-support.html).
 */
export function accountSettingProblems(c: {
  readonly account: AccountSettings;
  readonly hosts: { readonly os: string; readonly controlContainer?: boolean };
}): string[] {
  if (c.account.guardDutyRuntimeMonitoring && c.hosts.os === 'bottlerocket' && c.hosts.controlContainer === false) {
    return [
      'account.guardDutyRuntimeMonitoring: received true with hosts.os "bottlerocket" and hosts.controlContainer false; expected false, ' +
        'or hosts.controlContainer true (GuardDuty installs its agent through the SSM agent of the control container)',
    ];
  }
  return [];
}
