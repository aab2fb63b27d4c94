/**
 * ECR's repository filters: `*` matches any run of characters, everything else itself
 * (PutSigningConfiguration's WILDCARD_MATCH, PutRegistryScanningConfiguration's WILDCARD). The
 * filters come from the audited account, so they are matched as text, never turned into a regex.
 */
export function wildcardMatches(pattern: string, name: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === name;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last)) return false;
  let at = first.length;
  const end = name.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = name.indexOf(middle, at);
    if (found === -1 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}
