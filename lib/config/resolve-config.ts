import type { AppConfig } from './app-config';
import { ENVIRONMENTS_KEY, parseEnvironments } from './environments';
import { isObject } from '../util/is-object';
import { loadConfigLayers, mergeSettings } from './load-config';
import { ConfigError, validateConfig, type ValidateConfigOptions } from './validate-config';

/** Context key that selects a named environment (`cdk deploy -c env=prod`). */
export const ENV_CONTEXT_KEY = 'env';

/** CloudFormation's limit on stack names (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-using-console-create-stack-parameters.html). */
const MAX_STACK_NAME = 128;

function withoutEnvironments(settings: Record<string, unknown>): Record<string, unknown> {
  const { [ENVIRONMENTS_KEY]: _environments, ...rest } = settings;
  return rest;
}

/**
 * The configuration `cdk synth` uses, from context: the `secure-ecs` object, then the environment
 * named by `-c env=<name>` (its account, region and overrides), then the `-c configFile=` file on
 * top. The file may add or change environments too. Without `-c env` the result is exactly the
 * merged settings validated as before: an environment-agnostic stack.
 *
 * Throws {@link ConfigError}: every problem, one line each, naming the setting, the value received
 * and what is allowed.
 */
export function resolveConfig(tryGetContext: (key: string) => unknown, options: ValidateConfigOptions = {}): AppConfig {
  const { context, file } = loadConfigLayers(tryGetContext);
  const fromContext = context[ENVIRONMENTS_KEY];
  const fromFile = file[ENVIRONMENTS_KEY];
  const environments = parseEnvironments(isObject(fromContext) && isObject(fromFile) ? mergeSettings(fromContext, fromFile) : (fromFile ?? fromContext));
  const base = withoutEnvironments(context);
  const top = withoutEnvironments(file);

  const name = tryGetContext(ENV_CONTEXT_KEY);
  if (name === undefined) return validateConfig(mergeSettings(base, top), options);

  const names = Object.keys(environments);
  const allowed =
    names.length > 0 ? `one of ${names.map((n) => JSON.stringify(n)).join(', ')}` : `the name of an environment under ${ENVIRONMENTS_KEY} (none is defined)`;
  if (typeof name !== 'string' || !Object.hasOwn(environments, name)) {
    throw new ConfigError([`${ENV_CONTEXT_KEY}: received ${JSON.stringify(name)}; expected ${allowed}`]);
  }
  const entry = environments[name];
  let config: AppConfig;
  try {
    config = validateConfig(mergeSettings(mergeSettings(base, { ...entry.overrides, region: entry.region }), top), options);
  } catch (e) {
    // Cross-field rules see the merged settings: say which environment they were merged for.
    if (e instanceof ConfigError) throw new ConfigError(e.problems.map((p) => `${p} (environment ${JSON.stringify(name)})`));
    throw e;
  }
  const stackName = `${config.stackName}-${name}`;
  if (stackName.length > MAX_STACK_NAME) {
    throw new ConfigError([
      `stackName: received ${JSON.stringify(config.stackName)}; expected at most ${MAX_STACK_NAME - name.length - 1} characters with environment ` +
        `${JSON.stringify(name)} (the stack name <stackName>-${name} must fit CloudFormation's ${MAX_STACK_NAME})`,
    ]);
  }
  return { ...config, environment: { name, account: entry.account } };
}

/** The stack name of a configuration: `<stackName>-<environment>` with an environment selected. */
export function stackNameOf(config: AppConfig): string {
  return config.environment ? `${config.stackName}-${config.environment.name}` : config.stackName;
}

/** Every named environment, resolved as `-c env=<name>` would resolve it, in declaration order. */
export function resolveEnvironments(tryGetContext: (key: string) => unknown, options: ValidateConfigOptions = {}): AppConfig[] {
  const { context, file } = loadConfigLayers(tryGetContext);
  const names = new Set([
    ...Object.keys(isObject(context[ENVIRONMENTS_KEY]) ? context[ENVIRONMENTS_KEY] : {}),
    ...Object.keys(isObject(file[ENVIRONMENTS_KEY]) ? file[ENVIRONMENTS_KEY] : {}),
  ]);
  return [...names].map((name) => resolveConfig((key) => (key === ENV_CONTEXT_KEY ? name : tryGetContext(key)), options));
}
