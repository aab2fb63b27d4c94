/**
 * The sections of a bench run by name, for `--only` (bench/cli-args.ts): the report's sections 1-7
 * (bench/report.ts), and `closed-loop` for sections 1 and 2 together (bench/sections/closed-loop.ts).
 * Pure.
 */

/** In the report's order of sections 1-7. */
export const SECTION_NAMES = ['hardening', 'features', 'limiter', 'devloop', 'footprint', 'latency', 'startup'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** Names that stand for several sections. */
const GROUPS: Readonly<Record<string, readonly SectionName[]>> = { 'closed-loop': ['hardening', 'features'] };

/** Every name `--only` accepts, for its error message. */
const ONLY_NAMES: readonly string[] = [...SECTION_NAMES, ...Object.keys(GROUPS)];

/**
 * The sections a comma-separated `--only` list names, in the report's order; throws an Error whose
 * message is one line naming the allowed names on an unknown or empty name.
 */
export function parseOnly(list: string): SectionName[] {
  const names = list.split(',').map((x) => x.trim());
  const bad = names.filter((n) => !(SECTION_NAMES as readonly string[]).includes(n) && !(n in GROUPS));
  if (bad.length || !names.length)
    throw new Error(`--only: unknown section ${bad.map((b) => JSON.stringify(b)).join(', ')}; allowed: ${ONLY_NAMES.join(', ')} (comma-separated)`);
  const picked = new Set(names.flatMap((n) => GROUPS[n] ?? [n as SectionName]));
  return SECTION_NAMES.filter((s) => picked.has(s));
}

/** Whether a run measured a section: runs without `sections` (every run before `--only`) measured all. */
export const measured = (sections: readonly SectionName[] | undefined, s: SectionName): boolean => !sections || sections.includes(s);
