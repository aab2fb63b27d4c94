import { readFileSync, statSync } from 'node:fs';
import { fileProblem } from '../../input/file-problem';
import { jsonSyntaxError, MAX_JSON_DEPTH, nestingBeyond } from '../../input/json-text';
import { AuditInputError } from '../errors';

/**
 * The largest file read. V8's longest string is about 512 MiB (0x1fffffe8 characters), so a larger
 * file could never be audited; refusing it from its size saves reading gigabytes first (D21).
 */
const MAX_INPUT_BYTES = 512 * 1024 * 1024;

/** Read a file, or fail with a one-line reason (missing, a directory, no permission, too large). */
export function readText(file: string): string {
  try {
    const { size } = statSync(file);
    if (size > MAX_INPUT_BYTES)
      throw new AuditInputError(`cannot read ${file}: ${Math.ceil(size / 2 ** 20)} MiB is more than the ${MAX_INPUT_BYTES / 2 ** 20} MiB the audit reads`);
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof AuditInputError) throw e;
    throw new AuditInputError(`cannot read ${file}: ${fileProblem(e)}`);
  }
}

/** Parse a JSON file, or fail with a one-line reason naming the file. */
export function readJson(file: string): { json: unknown; text: string } {
  const text = readText(file);
  const deep = nestingBeyond(text, MAX_JSON_DEPTH);
  if (deep)
    throw new AuditInputError(`${file} nests values deeper than ${MAX_JSON_DEPTH} levels (line ${deep.line}); no template or task definition needs that`);
  try {
    return { json: JSON.parse(text), text };
  } catch {
    // YAML is the other template format; say so rather than leave a bare parse position (D21).
    const yaml = /\.ya?ml$/i.test(file) || /^\s*(AWSTemplateFormatVersion|Resources)\s*:/m.test(text.slice(0, 4096)) ? '; YAML is not read, only JSON' : '';
    throw new AuditInputError(`${file} is not valid JSON: ${jsonSyntaxError(text)}${yaml}`);
  }
}
