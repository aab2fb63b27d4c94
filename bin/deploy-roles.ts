#!/usr/bin/env node
/**
 * CDK entry point of the deploy-role app (GitHub OIDC provider and one deploy role per named
 * environment), kept apart from bin/app.ts so that a plain `cdk deploy` of the app never touches
 * IAM trust. It makes one stack per AWS account of the environments; deploy each with that
 * account's admin credentials (README "CI/CD"):
 *   npx cdk deploy --app 'npx tsx bin/deploy-roles.ts' SecureEcsStarter-deploy-roles-<account>
 * Configuration is the same `secure-ecs` context (environments and github settings). This is the
 * account stack: with the `account` settings on it also holds the account's registry settings and
 * GuardDuty (lib/account/, README "Supply chain and runtime detection"); with them off its template
 * is what it always was, so existing deployments update in place.
 */
import { App } from 'aws-cdk-lib';
import { defineDeployRolesApp } from '../lib/deploy-roles-app';
import { ENV_CONTEXT_KEY, resolveConfig, resolveEnvironments } from '../lib/config/resolve-config';
import { defineOrExit } from '../lib/config/define-or-exit';

const app = new App();
defineOrExit(() => {
  const context = (key: string) => (key === ENV_CONTEXT_KEY ? undefined : app.node.tryGetContext(key));
  const warn = () => {}; // sizing warnings belong to the app's synth, not to the roles
  defineDeployRolesApp(app, resolveConfig(context, { warn }).stackName, resolveEnvironments(context, { warn }));
});
app.synth();
