/**
 * The local secrets file (`.secure-ecs.secrets.json`) when it is broken or hostile: each problem is
 * one LocalStepError naming the file and the problem, never a value (D7, D20 of the hostile-input
 * findings). `secure-ecs local up` prints a LocalStepError as one line; any other error as a trace.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalStepError } from '../../lib/local/errors';
import { readSecretsFile, resolveSecrets, SECRETS_FILE } from '../../lib/local/secrets';
import { tempDir } from '../helpers/temp-dir';

const needed = [{ container: 'app', secret: { envName: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:eu-west-1:1:parameter/db', secretId: 'pod-app-db_password' } }];

function refusal(f: () => unknown): LocalStepError {
  const start = Date.now();
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(Date.now() - start).toBeLessThan(5_000);
  expect(error).toBeInstanceOf(LocalStepError);
  const message = (error as Error).message;
  expect(message.split('\n')).toHaveLength(1);
  expect(message).not.toMatch(/hunter2|sup3rs3cret/);
  return error as LocalStepError;
}

test('a value nested 100,000 levels deep (D7): one line, not a RangeError', () => {
  const text = `{"app": {"DB_PASSWORD": ${'['.repeat(100_000)}"hunter2"${']'.repeat(100_000)}}}`;
  expect(refusal(() => resolveSecrets(text, needed)).message).toMatch(/is not valid JSON \(line 1: nested deeper than 256 levels\)/);
});

test.each([
  ['{"app": {"DB_PASSWORD": 42}}', /app\.DB_PASSWORD must be a string; it is a number$/],
  ['{"app": {"DB_PASSWORD": {"v": "hunter2"}}}', /app\.DB_PASSWORD must be a string; it is an object$/],
  ['{"app": {"DB_PASSWORD": null}}', /app\.DB_PASSWORD must be a string; it is null$/],
  ['{"app": "hunter2"}', /app must be an object of variable names to strings; it is a string$/],
  ['{"app": ["sup3rs3cret"]}', /app must be an object of variable names to strings; it is an array$/],
])('a value of the wrong type (D20) names the type, not the value: %s', (text, message) => {
  expect(refusal(() => resolveSecrets(text, needed)).message).toMatch(message);
});

test('a key inherited from Object.prototype is not a value', () => {
  expect(refusal(() => resolveSecrets('{"app": {}}', [{ ...needed[0], secret: { ...needed[0].secret, envName: 'constructor' } }])).message).toMatch(
    /no local value for app\.constructor/,
  );
});

describe('the file itself (D20)', () => {
  const project = () => tempDir('secrets-project-');
  const warnings: string[] = [];
  const warn = (line: string) => warnings.push(line);

  test('absent: no values (undefined)', () => {
    expect(readSecretsFile(project(), warn)).toBeUndefined();
  });

  test('a directory is reported, not taken for "no values"', () => {
    const dir = project();
    mkdirSync(path.join(dir, SECRETS_FILE));
    expect(refusal(() => readSecretsFile(dir, warn)).message).toBe(`${SECRETS_FILE} is not a regular file; make it a JSON file or remove it`);
  });

  test('a symlink loop is reported', () => {
    const dir = project();
    symlinkSync(SECRETS_FILE, path.join(dir, SECRETS_FILE));
    expect(refusal(() => readSecretsFile(dir, warn)).message).toBe(`cannot read ${SECRETS_FILE}: a symbolic link loop`);
  });

  test('a readable file is returned, with the mode warning', () => {
    const dir = project();
    writeFileSync(path.join(dir, SECRETS_FILE), '{}', { mode: 0o644 });
    expect(readSecretsFile(dir, warn)).toBe('{}');
    expect(warnings.at(-1)).toMatch(/readable by other users \(mode 644\)/);
  });
});
