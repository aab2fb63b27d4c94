import type { AppConfig } from './app-config';
import { ENVIRONMENTS_KEY, parseEnvironments, type EnvironmentEntry } from './environments';
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

/** The settings layers and the environments they define, read once. */
interface Sources {
  readonly base: Record<string, unknown>;
  readonly top: Record<string, unknown>;
  readonly environments: Record<string, EnvironmentEntry>;
}

function sourcesOf(tryGetContext: (key: string) => unknown): Sources {
  const { context, file } = loadConfigLayers(tryGetContext);
  const fromContext = context[ENVIRONMENTS_KEY];
  const fromFile = file[ENVIRONMENTS_KEY];
  const environments = parseEnvironments(isObject(fromContext) && isObject(fromFile) ? mergeSettings(fromContext, fromFile) : (fromFile ?? fromContext));
  return { base: withoutEnvironments(context), top: withoutEnvironments(file), environments };
}

/** The configuration of the named (existing) environment: its entry between the context object and the file. */
function resolveEnvironment(sources: Sources, name: string, options: ValidateConfigOptions): AppConfig {
  const entry = sources.environments[name];
  let config: AppConfig;
  try {
    config = validateConfig(mergeSettings(mergeSettings(sources.base, { ...entry.overrides, region: entry.region }), sources.top), options);
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

/** The problems of one resolution, or none. */
function problemsOf(resolve: () => unknown): string[] {
  try {
    resolve();
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

/**
 * The configuration `cdk synth` uses, from context: the `secure-ecs` object, then the environment
 * named by `-c env=<name>` (its account, region and overrides), then the `-c configFile=` file on
 * top. The file may add or change environments too. Without `-c env` the result is exactly the
 * merged settings validated as before: an environment-agnostic stack.
 *
 * Every environment is resolved and checked, cross-field rules included, whichever one is selected
 * (or none), so a problem in `prod` fails a `dev` synth too. Warnings are given only for the
 * configuration being built.
 *
 * Throws {@link ConfigError}: every problem, one line each, naming the setting, the value received
 * and what is allowed.
 */
export function resolveConfig(tryGetContext: (key: string) => unknown, options: ValidateConfigOptions = {}): AppConfig {
  const sources = sourcesOf(tryGetContext);
  const names = Object.keys(sources.environments);
  const name = tryGetContext(ENV_CONTEXT_KEY);
  if (name !== undefined && (typeof name !== 'string' || !Object.hasOwn(sources.environments, name))) {
    const allowed =
      names.length > 0 ? `one of ${names.map((n) => JSON.stringify(n)).join(', ')}` : `the name of an environment under ${ENVIRONMENTS_KEY} (none is defined)`;
    throw new ConfigError([`${ENV_CONTEXT_KEY}: received ${JSON.stringify(name)}; expected ${allowed}`]);
  }
  let config: AppConfig | undefined;
  const problems = problemsOf(() => {
    config = name === undefined ? validateConfig(mergeSettings(sources.base, sources.top), options) : resolveEnvironment(sources, name, options);
  });
  const quiet: ValidateConfigOptions = { warn: () => {} };
  const seen = new Set(problems);
  for (const other of names.filter((n) => n !== name)) {
    // A problem of the shared settings is reported once, not again for every environment.
    const suffix = ` (environment ${JSON.stringify(other)})`;
    const own = problemsOf(() => resolveEnvironment(sources, other, quiet));
    problems.push(...own.filter((p) => !(p.endsWith(suffix) && seen.has(p.slice(0, -suffix.length)))));
  }
  if (problems.length > 0 || config === undefined) throw new ConfigError(problems);
  return config;
}

/** The stack name of a configuration: `<stackName>-<environment>` with an environment selected. */
export function stackNameOf(config: AppConfig): string {
  return config.environment ? `${config.stackName}-${config.environment.name}` : config.stackName;
}

/** Every named environment, resolved as `-c env=<name>` would resolve it, in declaration order. */
export function resolveEnvironments(tryGetContext: (key: string) => unknown, options: ValidateConfigOptions = {}): AppConfig[] {
  const sources = sourcesOf(tryGetContext);
  const names = Object.keys(sources.environments);
  const problems = names.flatMap((name) => problemsOf(() => resolveEnvironment(sources, name, options)));
  if (problems.length > 0) throw new ConfigError(problems);
  return names.map((name) => resolveEnvironment(sources, name, { warn: () => {} }));
}
