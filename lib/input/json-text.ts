/**
 * Reading JSON that someone else wrote, without trusting it: where it is malformed (never what it
 * says there) and how deep it nests (without recursing), for every reader of untrusted JSON (the
 * audit's inputs, the cloud assembly, the local secrets file).
 */
import { parse as parseJsonc, type ParseError, type ParseErrorCode, printParseErrorCode } from 'jsonc-parser';

/**
 * The deepest JSON nesting accepted. Real templates and task definitions nest about 10-20 levels;
 * the readers, mappers and report renderers walk values recursively, and jsonc-parser recurses too,
 * so an input 100,000 levels deep overflowed the stack (D7 of the hostile-input findings).
 */
export const MAX_JSON_DEPTH = 256;

/** "line L, column C" of `offset` in `text` (1-based). */
function place(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** jsonc-parser's error codes in the words JSON.parse uses, for messages people read. */
const REASONS: Partial<Record<keyof typeof ParseErrorCode, string>> = {
  InvalidSymbol: 'Unexpected token',
  InvalidNumberFormat: 'Invalid number',
  PropertyNameExpected: 'Expected a property name',
  ValueExpected: 'Expected a value',
  ColonExpected: "Expected ':'",
  CommaExpected: "Expected ','",
  CloseBraceExpected: "Expected '}'",
  CloseBracketExpected: "Expected ']'",
  EndOfFileExpected: 'Unexpected content after the JSON',
  InvalidCommentToken: 'Comments are not allowed',
  UnexpectedEndOfComment: 'Unterminated comment',
  UnexpectedEndOfString: 'Unterminated string',
  UnexpectedEndOfNumber: 'Unterminated number',
  InvalidUnicode: 'Invalid Unicode escape',
  InvalidEscapeCharacter: 'Invalid escape character',
  InvalidCharacter: 'Invalid character in a string',
};

/** The first syntax error of `text`: where, and jsonc-parser's code; undefined when valid. */
function firstError(text: string): { place: string; code: keyof typeof ParseErrorCode } | undefined {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (!errors.length) return undefined;
  return { place: place(text, errors[0].offset), code: printParseErrorCode(errors[0].error) as keyof typeof ParseErrorCode };
}

/**
 * Where a JSON text is malformed, as "line L, column C: <error code>", or undefined when it is
 * valid. V8's JSON.parse message quotes the text around the error (`Unexpected token 'h', "{"value":
 * hunter2}" is not valid JSON`), and the input holds environment values and secrets (D5);
 * jsonc-parser (VS Code's JSON scanner, https://github.com/microsoft/node-jsonc-parser) reports an
 * offset and an error code instead.
 */
export function jsonErrorPlace(text: string): string | undefined {
  const deep = nestingBeyond(text, MAX_JSON_DEPTH);
  if (deep) return `line ${deep.line}: nested deeper than ${MAX_JSON_DEPTH} levels`;
  const error = firstError(text);
  return error && `${error.place}: ${error.code}`;
}

/**
 * The same as a sentence, "Unexpected token at line L, column C", never quoting the text. A
 * byte-order mark is named (JSON.parse rejects it as an invisible "Unexpected token").
 */
export function jsonSyntaxError(text: string): string {
  if (text.charCodeAt(0) === 0xfeff) return 'a byte-order mark at line 1, column 1 (save the file as UTF-8 without BOM)';
  const deep = nestingBeyond(text, MAX_JSON_DEPTH);
  if (deep) return `nested deeper than ${MAX_JSON_DEPTH} levels at line ${deep.line}`;
  const error = firstError(text);
  if (!error) return 'unreadable';
  return `${REASONS[error.code] ?? error.code} at ${error.place}`;
}

/**
 * The first place where `text` nests objects/arrays deeper than `limit`, scanning characters (no
 * recursion, so any depth is safe); undefined when it never does. Brackets inside strings are skipped.
 */
export function nestingBeyond(text: string, limit: number): { line: number } | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return { line: text.slice(0, i).split('\n').length };
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}
