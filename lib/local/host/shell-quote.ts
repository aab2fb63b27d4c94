/** `s` as one POSIX shell word, whatever it holds: single quotes, each `'` inside written as `'\''`. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
