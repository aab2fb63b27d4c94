/**
 * Operations the hardening refused, read from the program's own output: a process without
 * capabilities, under no-new-privileges, gets EPERM ("Operation not permitted") where root would
 * switch users, change owners or bind a low port, and its log usually says so. Each kind comes
 * with what needs it and the fix. The log is the image's output, so it is data: the patterns are
 * fixed here, linear (no nested quantifiers), and applied to lines cut to MAX_LINE characters.
 * Pure; unit-tested in test/fit-check/refused-operations.test.ts.
 */

export type RefusalKind = 'switch-user' | 'change-owner' | 'raise-limit' | 'bind-port' | 'no-new-privileges' | 'read-only-root' | 'other-capability';

export interface Refusal {
  readonly kind: RefusalKind;
  /** Up to MAX_EXAMPLES log lines that show it (raw: escape before printing). */
  readonly lines: string[];
  readonly count: number;
}

const MAX_LINE = 2000;
const MAX_EXAMPLES = 3;

const DENIED = /operation not permitted|\bEPERM\b/i;
const ACCESS_DENIED = /permission denied|\bEACCES\b/i;
const READ_ONLY = /read-only file system|\bEROFS\b/i;

/** The kinds a refused line can be, most specific first. */
const CLASSIFY: readonly { kind: RefusalKind; test: (line: string) => boolean }[] = [
  { kind: 'read-only-root', test: (l) => READ_ONLY.test(l) },
  { kind: 'no-new-privileges', test: (l) => /no.new.privileges|no_new_privs/i.test(l) },
  { kind: 'bind-port', test: (l) => (DENIED.test(l) || ACCESS_DENIED.test(l)) && /\b(bind|listen)\b|make_sock|could not bind/i.test(l) },
  {
    kind: 'switch-user',
    test: (l) => DENIED.test(l) && /\bset(e|re|res)?[ug]id\b|\bsetgroups\b|\binitgroups\b|unable to set (user|group)|\bsu\b|\bsudo\b/i.test(l),
  },
  { kind: 'change-owner', test: (l) => DENIED.test(l) && /\b[fl]?chown(at)?\b|changing ownership/i.test(l) },
  { kind: 'raise-limit', test: (l) => DENIED.test(l) && /\bulimit\b|\bsetrlimit\b|\brlimit\b/i.test(l) },
  { kind: 'other-capability', test: (l) => DENIED.test(l) },
];

/** What the program's output says the hardening refused, by kind (in CLASSIFY's order). */
export function refusedOperations(lines: readonly string[]): Refusal[] {
  const found = new Map<RefusalKind, string[]>();
  for (const raw of lines) {
    const line = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw;
    const match = CLASSIFY.find((c) => c.test(line));
    if (match) (found.get(match.kind) ?? found.set(match.kind, []).get(match.kind)!).push(line);
  }
  return CLASSIFY.filter((c) => found.has(c.kind)).map((c) => {
    const all = found.get(c.kind)!;
    return { kind: c.kind, lines: [...new Set(all)].slice(0, MAX_EXAMPLES), count: all.length };
  });
}
