import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SecureEcsAuditPlugin } from './audit/synth-plugin';
import { controlTowerPlugin } from './compliance/control-tower-plugin';
import type { AppConfig } from './config/app-config';
import { stackNameOf } from './config/resolve-config';
import { SecureEcsStack } from './secure-ecs-stack';

export interface DefineAppOptions {
  /** Region used when the configuration names none (bin/app.ts passes the CLI's default region). */
  readonly fallbackRegion?: string;
  /** Image build contexts; defaults to the repository's containers/ folder. */
  readonly containersDir?: string;
}

/** Region used when neither the configuration nor the CLI names one. */
const DEFAULT_REGION = 'us-east-1';

/**
 * Define the app on a CDK `App`: the stack plus the checks every synth runs (cdk-nag's AwsSolutions
 * pack and this project's own audit rules as validation plugins, so an unacknowledged finding fails
 * `cdk synth`), and with compliance "control-tower" the AWS Control Tower proactive controls too.
 * Shared by bin/app.ts and the tests, so both synthesize the same thing.
 */
export function defineApp(app: App, config: AppConfig, options: DefineAppOptions = {}): SecureEcsStack {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  Validations.of(app).addPlugins(new SecureEcsAuditPlugin());
  if (config.compliance === 'control-tower') Validations.of(app).addPlugins(controlTowerPlugin());
  const region = config.region ?? options.fallbackRegion ?? DEFAULT_REGION;
  return new SecureEcsStack(app, stackNameOf(config), {
    config,
    containersDir: options.containersDir,
    // Without a named environment the account stays unresolved (environment-agnostic): synth needs
    // no credentials. With one, the stack is pinned, so `cdk deploy` with credentials for another
    // account stops before changing anything (https://docs.aws.amazon.com/cdk/v2/guide/environments.html).
    env: config.environment ? { account: config.environment.account, region } : { region },
    description: 'secure-ecs-starter: hardened PHP + nginx task on ECS (EC2)',
  });
}
