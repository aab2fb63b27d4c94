/**
 * Text from the audited input (a template, a task definition, a Dockerfile, an API answer) is data:
 * before it is printed it loses the credentials a URL may carry, and on its way to a terminal or a
 * pull-request comment it loses the characters that would restyle the one or inject into the other.
 */

/** URL user-info (`scheme://user:password@host`, `scheme://token@host`). */
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]+@/gi;
/**
 * Query parameters whose name says they carry a credential (`?token=`, `&X-Amz-Signature=`,
 * `&sig=`, `?access_token=`, `&password=`), as well as AWS presigned-URL credentials.
 */
const SECRET_QUERY = /([?&](?:[\w.-]*(?:token|secret|passw(?:or)?d|pwd|sig(?:nature)?|credential|auth|key|code)[\w.-]*)=)[^&#\s"'`]+/gi;

/** `text` with every URL's user-info and token-shaped query values replaced by `***`. */
export function redactUrls(text: string): string {
  return text.replace(USER_INFO, '$1***@').replace(SECRET_QUERY, '$1***');
}

/**
 * C0 and C1 control characters, DEL, and the Unicode bidirectional overrides ("Trojan Source",
 * CVE-2021-42574) that a terminal or an editor would act on instead of showing. Tab is kept; newline
 * is kept only where the caller says so (a table cell wraps on it).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_AND_NEWLINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const visible = (c: string): string => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `text` with control characters shown as `\xNN` / `\uNNNN` escapes; newlines too unless `keepNewlines`. */
export function escapeControl(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines ? CONTROL : CONTROL_AND_NEWLINE, visible);
}

/**
 * The same characters as JSON `\u` escapes, for a JSON document (JSON.stringify escapes C0 already,
 * but not DEL, C1 or the bidi overrides). Applied to serialized JSON: inside strings it is an
 * equivalent escape, and outside strings these characters cannot occur.
 */
export function escapeControlInJson(json: string): string {
  return json.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
