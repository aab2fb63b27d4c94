import { z } from 'zod';
import { appConfigSchema, awsRegion } from './app-config';
import { isObject } from '../util/is-object';
import { ConfigError, describeIssues } from './validate-config';

/**
 * Named environments: `secure-ecs.environments.<name>` holds an `account`, a `region` and any
 * setting overrides; `-c env=<name>` selects one (lib/config/resolve-config.ts). The layout follows
 * AWS's Baseline Environment on AWS (BLEA) per-environment parameters, kept in the one schema so an
 * override is checked exactly like the same setting at the top level.
 */

/** Settings key that holds the environments. */
export const ENVIRONMENTS_KEY = 'environments';

/**
 * An environment name: it ends the stack name (`SecureEcsStarter-prod`), names the deploy role and
 * is the GitHub environment in the OIDC subject (`repo:owner/repo:environment:prod`), so it keeps
 * to characters all three accept.
 */
const ENVIRONMENT_NAME = /^[A-Za-z][A-Za-z0-9-]{0,31}$/;
const ENVIRONMENT_NAME_RULE = 'a name of letters, digits and hyphens starting with a letter (max 32)';

/** An AWS account ID: 12 digits, as a string, since IDs may start with zeros. */
const accountId = () =>
  z
    .string({ error: 'a 12-digit AWS account ID as a string, such as "123456789012"' })
    .regex(/^\d{12}$/, 'a 12-digit AWS account ID as a string, such as "123456789012"');

/**
 * One environment's entry. `account` and `region` are required: the point of an environment is
 * one pinned target. The stack name is not overridable: it is always `<stackName>-<environment>`.
 */
const environmentSchema = appConfigSchema
  .omit({ stackName: true, region: true })
  .extend({
    account: accountId(),
    region: awsRegion(),
  })
  .strict();

/** An environment as written: its account, region and overrides (still unvalidated). */
export interface EnvironmentEntry {
  readonly account: string;
  readonly region: string;
  /** Everything else in the entry: settings layered over the top-level ones. */
  readonly overrides: Record<string, unknown>;
}

/**
 * Check every environment (not only the selected one, so a typo in prod fails a dev synth too) and
 * return them by name. Throws {@link ConfigError} with one line per problem, each naming
 * `environments.<name>.<setting>`.
 */
export function parseEnvironments(value: unknown): Record<string, EnvironmentEntry> {
  if (value === undefined) return {};
  if (!isObject(value)) {
    throw new ConfigError([`${ENVIRONMENTS_KEY}: received ${JSON.stringify(value)}; expected an object of environments by name`]);
  }
  const problems: string[] = [];
  const out: Record<string, EnvironmentEntry> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (!ENVIRONMENT_NAME.test(name)) {
      problems.push(`${ENVIRONMENTS_KEY}.${name}: received the name ${JSON.stringify(name)}; expected ${ENVIRONMENT_NAME_RULE}`);
      continue;
    }
    const prefix = `${ENVIRONMENTS_KEY}.${name}.`;
    if (!isObject(entry)) {
      problems.push(`${ENVIRONMENTS_KEY}.${name}: received ${JSON.stringify(entry)}; expected an object with account, region and setting overrides`);
      continue;
    }
    const parsed = environmentSchema.safeParse(entry);
    if (!parsed.success) {
      problems.push(...describeIssues(entry, parsed.error.issues, prefix));
      continue;
    }
    const { account, region, ...overrides } = entry as Record<string, unknown>;
    out[name] = { account: account as string, region: region as string, overrides };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}
