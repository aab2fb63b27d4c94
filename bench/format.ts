/** Statistics and number formats of the bench's report and goals, written once. */

/** The median; NaN for no values. */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** A number with `d` decimals, or "n/a" when it is not finite (a missing measurement). */
export const f = (n: number, d = 2): string => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
/** A signed percentage: +1.5%, -3.0%. */
export const pct = (n: number, d = 1): string => `${n >= 0 ? '+' : ''}${n.toFixed(d)}%`;
export const MB = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;
export const MiB = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
/** "min–max" of per-round values. */
export const range = (xs: number[]): string => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
/** A Markdown table. */
export const table = (head: string[], rows: (string | number)[][]): string =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
