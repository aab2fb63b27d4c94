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
import { parse as parseJson, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { LocalStepError } from './errors';
import type { SecretRef } from './spec';

const SECRETS_FILE = '.secure-ecs.secrets.json';

/**
 * Where a JSON text is malformed, as "line L, column C: <kind of error>". Node's own JSON.parse
 * message quotes the text around the error ("...ASSWORD": hunter2-su"... is not valid JSON), which
 * would print a secret; jsonc-parser (VS Code's JSON scanner) reports an offset and an error code
 * instead. Pure; undefined when the text is valid.
 */
export function jsonErrorPlace(text: string): string | undefined {
  const errors: ParseError[] = [];
  parseJson(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (!errors.length) return undefined;
  const e = errors[0];
  const before = text.slice(0, e.offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}: ${printParseErrorCode(e.error)}`;
}

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
    const v = parsed?.[container]?.[secret.envName];
    if (typeof v === 'string') values.set(secret.secretId, v);
    else missing.push(`${container}.${secret.envName} (in AWS: ${secret.valueFrom})`);
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
  try {
    const mode = statSync(file).mode;
    if (mode & 0o077) warn(`${SECRETS_FILE} is readable by other users (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
