import { type App, DefaultStackSynthesizer, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { anyAccountSetting, bootstrapAssetsRepositoryName, bootstrapImagePublishingRoleName } from './account/account-settings';
import { RegistryAndDetection } from './account/registry-and-detection';
import { controlTowerPlugin } from './compliance/control-tower-plugin';
import type { AppConfig } from './config/app-config';
import { ENVIRONMENTS_KEY } from './config/environments';
import { ConfigError } from './config/validate-config';
import { GitHubDeployRolesStack } from './deploy-roles/github-deploy-roles-stack';

/** Context key of the CDK bootstrap qualifier (https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-customizing.html). */
const BOOTSTRAP_QUALIFIER_CONTEXT_KEY = '@aws-cdk/core:bootstrapQualifier';

/** The name of the deploy-role stack of an account. */
function deployRolesStackName(baseStackName: string, account: string): string {
  return `${baseStackName}-deploy-roles-${account}`;
}

/**
 * Define the deploy-role app: one stack per AWS account named by the environments (an account
 * holds one GitHub OIDC provider, shared by its environments' roles), each pinned to the account.
 * `configs` are the resolved configurations of every environment, in declaration order.
 * cdk-nag checks these stacks as it checks the app's.
 */
export function defineDeployRolesApp(app: App, baseStackName: string, configs: readonly AppConfig[]): GitHubDeployRolesStack[] {
  if (configs.length === 0) {
    throw new ConfigError([`${ENVIRONMENTS_KEY}: received none; expected at least one environment (the deploy-role app makes one role per environment)`]);
  }
  const qualifier = String(app.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT_KEY) ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER);
  const problems: string[] = [];
  const byAccount = new Map<string, AppConfig[]>();
  for (const c of configs) {
    const name = c.environment!.name;
    const at = `${ENVIRONMENTS_KEY}.${name}.github`;
    if (c.github.repository === undefined) {
      problems.push(
        `${at}.repository: received undefined; expected a GitHub repository as owner/name, such as my-org/secure-ecs-starter (set github.repository at the top level or in the environment)`,
      );
    }
    const arn = c.github.oidcProviderArn;
    if (arn !== undefined && arn.split(':')[4] !== c.environment!.account) {
      problems.push(`${at}.oidcProviderArn: received ${JSON.stringify(arn)}; expected a provider in the environment's account ${c.environment!.account}`);
    }
    byAccount.set(c.environment!.account, [...(byAccount.get(c.environment!.account) ?? []), c]);
  }
  for (const [account, group] of byAccount) {
    for (const setting of ['repository', 'oidcProviderArn'] as const) {
      const values = new Set(group.map((c) => c.github[setting]));
      if (values.size > 1) {
        const [first, ...rest] = group;
        const other = rest.find((c) => c.github[setting] !== first.github[setting])!;
        problems.push(
          `${ENVIRONMENTS_KEY}.${other.environment!.name}.github.${setting}: received ${JSON.stringify(other.github[setting])}; ` +
            `expected the same value as environment ${first.environment!.name} (${JSON.stringify(first.github[setting])}), which shares account ${account}`,
        );
      }
    }
  }
  problems.push(...accountSettingsAgreement(byAccount));
  if (problems.length > 0) throw new ConfigError(problems);

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // As the app's synth does (lib/app.ts): the Control Tower proactive controls when an environment asks for them.
  if (configs.some((c) => c.compliance === 'control-tower')) Validations.of(app).addPlugins(controlTowerPlugin());
  return [...byAccount].map(([account, group]) => {
    const region = group[0].region!;
    const stack = new GitHubDeployRolesStack(app, deployRolesStackName(baseStackName, account), {
      env: { account, region },
      description: `secure-ecs-starter: GitHub OIDC deploy roles of ${group.map((c) => c.environment!.name).join(', ')}`,
      repository: group[0].github.repository!,
      oidcProviderArn: group[0].github.oidcProviderArn,
      qualifier,
      environments: group.map((c) => ({ name: c.environment!.name, region: c.region!, pullRequestDiffRole: c.github.pullRequestDiffRole })),
    });
    // The account stack: with every account setting off it holds only the deploy roles, exactly as
    // before (test/account/unchanged-template.test.ts), so existing deployments update in place.
    const settings = group[0].account;
    if (anyAccountSetting(settings)) {
      new RegistryAndDetection(stack, 'RegistryAndDetection', {
        settings,
        assetsRepositoryName: settings.assetsRepositoryName ?? bootstrapAssetsRepositoryName(qualifier, account, region),
        imagePublishingRoleName: bootstrapImagePublishingRoleName(qualifier, account, region),
        alarmEmail: group[0].alarms.email,
        controlTower: group.some((c) => c.compliance === 'control-tower'),
      });
    }
    return stack;
  });
}

/**
 * The account settings are set once, at the top level (an environment's `account` is its AWS account
 * ID, so no environment overrides them): every account stack gets the same. With any on, the
 * environments of an account must share its region: the registry's configurations and the GuardDuty
 * detector are regional, and the account stack deploys to the first environment's region.
 */
function accountSettingsAgreement(byAccount: Map<string, AppConfig[]>): string[] {
  const problems: string[] = [];
  for (const [first, ...rest] of byAccount.values()) {
    if (!anyAccountSetting(first.account)) continue;
    for (const other of rest.filter((c) => c.region !== first.region)) {
      problems.push(
        `${ENVIRONMENTS_KEY}.${other.environment!.name}.region: received ${JSON.stringify(other.region)}; expected ${JSON.stringify(first.region)}, ` +
          `the region of environment ${first.environment!.name}: with account settings on, the environments of an account share the account stack's region ` +
          '(registry and GuardDuty settings are regional)',
      );
    }
  }
  return problems;
}
