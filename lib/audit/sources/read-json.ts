import { readFileSync } from 'node:fs';
import { AuditInputError } from '../errors';

/** Read a file, or fail with a one-line reason (missing, a directory, no permission). */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new AuditInputError(`cannot read ${file}: ${reason}`);
  }
}

/** Parse a JSON file, or fail with a one-line reason naming the file. */
export function readJson(file: string): { json: unknown; text: string } {
  const text = readText(file);
  try {
    return { json: JSON.parse(text), text };
  } catch (e) {
    throw new AuditInputError(`${file} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}
