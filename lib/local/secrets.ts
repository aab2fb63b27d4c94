/**
 * Local values for the task definition's `Secrets` (SSM parameters, Secrets Manager secrets), which
 * cannot be fetched without an AWS account. They live in `.secure-ecs.secrets.json` in the project
 * (git-ignored), keyed by container and variable name:
 *
 *   { "app": { "DB_PASSWORD": "local-only-value" } }
 *
 * Values are handed to podman on stdin as podman secrets (`--secret NAME,type=env`), so they appear in
 * no command line, no `podman inspect` output and nothing this tool prints.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileProblem } from '../input/file-problem';
import { jsonErrorPlace } from '../input/json-text';
import { LocalStepError } from './errors';
import type { SecretRef } from './spec';

export const SECRETS_FILE = '.secure-ecs.secrets.json';

/** Parse and check the secrets file against what the containers need. Pure (text in, values out). */
export function resolveSecrets(text: string | undefined, needed: { container: string; secret: SecretRef }[]): Map<string, string> {
  const values = new Map<string, string>();
  if (needed.length === 0) return values;
  let parsed: Record<string, Record<string, unknown>> = {};
  if (text !== undefined) {
    const problem = jsonErrorPlace(text);
    if (problem) throw new LocalStepError('secrets', `${SECRETS_FILE} is not valid JSON (${problem}); its content is not shown because it holds secrets`);
    parsed = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new LocalStepError('secrets', `${SECRETS_FILE} must hold an object keyed by container name, for example {"app": {"DB_PASSWORD": "<local value>"}}`);
    }
  }
  const missing: string[] = [];
  for (const { container, secret } of needed) {
    const entry: unknown = Object.hasOwn(parsed, container) ? parsed[container] : undefined;
    const v: unknown =
      typeof entry === 'object' && entry !== null && Object.hasOwn(entry, secret.envName) ? (entry as Record<string, unknown>)[secret.envName] : undefined;
    if (typeof v === 'string') values.set(secret.secretId, v);
    else if (v !== undefined || (entry !== undefined && (typeof entry !== 'object' || entry === null || Array.isArray(entry)))) {
      // Present but of the wrong type: say so (D20), naming the type and never the value.
      const [where, what] = v !== undefined ? [`${container}.${secret.envName}`, v] : [container, entry];
      const type = what === null ? 'null' : Array.isArray(what) ? 'an array' : typeof what === 'object' ? 'an object' : `a ${typeof what}`;
      throw new LocalStepError(
        'secrets',
        `${SECRETS_FILE}: ${where} must be ${v !== undefined ? 'a string' : 'an object of variable names to strings'}; it is ${type}`,
      );
    } else missing.push(`${container}.${secret.envName} (in AWS: ${secret.valueFrom})`);
  }
  if (missing.length) {
    const example = Object.fromEntries(
      needed.map(({ container }) => [
        container,
        Object.fromEntries(needed.filter((n) => n.container === container).map((n) => [n.secret.envName, '<local value>'])),
      ]),
    );
    throw new LocalStepError(
      'secrets',
      `no local value for ${missing.join(', ')}. Put local values in ${SECRETS_FILE} (git-ignored), for example: ${JSON.stringify(example)}`,
    );
  }
  return values;
}

/** Read the project's secrets file (undefined when absent); warns when others can read it. */
export function readSecretsFile(projectDir: string, warn: (line: string) => void): string | undefined {
  const file = path.join(projectDir, SECRETS_FILE);
  let stat;
  try {
    stat = statSync(file);
  } catch (e) {
    // Only an absent file means "no local values"; a symlink loop or no permission is a problem to report (D20).
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LocalStepError('secrets', `cannot read ${SECRETS_FILE}: ${fileProblem(e)}`);
  }
  if (!stat.isFile()) throw new LocalStepError('secrets', `${SECRETS_FILE} is not a regular file; make it a JSON file or remove it`);
  if (stat.mode & 0o077) warn(`${SECRETS_FILE} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new LocalStepError('secrets', `cannot read ${SECRETS_FILE}: ${fileProblem(e)}`);
  }
}
