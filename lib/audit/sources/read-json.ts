import { readFileSync } from 'node:fs';
import { AuditInputError } from '../errors';

/** Read a file, or fail with a one-line reason (missing, a directory, no permission). */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new AuditInputError(`cannot read ${file}: ${reason}`);
  }
}

/** Parse a JSON file, or fail with a one-line reason naming the file. */
export function readJson(file: string): { json: unknown; text: string } {
  const text = readText(file);
  try {
    return { json: JSON.parse(text), text };
  } catch (e) {
    throw new AuditInputError(`${file} is not valid JSON: ${syntaxError((e as Error).message, text)}`);
  }
}

/**
 * V8's JSON errors can quote the input (`Unexpected token 'h', "{"value": hunter2}" is not valid
 * JSON`), and a task definition's input holds environment values. Keep the reason and the position only.
 */
function syntaxError(message: string, text: string): string {
  const reason = message
    .split('\n')[0]
    .replace(/, .*is not valid JSON$/, '')
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/^Unexpected token '.'/, 'Unexpected token');
  const position = /at position (\d+)/.exec(message);
  if (!position) return reason;
  const before = text.slice(0, Number(position[1])).split('\n');
  return `${reason} at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}
