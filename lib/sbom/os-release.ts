/**
 * The distribution of an image, from its os-release file (os-release(5): `KEY=value` lines, values
 * optionally in double or single quotes). Untrusted: only ID and VERSION_ID are read, and used only
 * when they are plain lower-case words and numbers, as the purl `distro` qualifier wants them.
 */

/** `debian-13` for Debian 13; undefined when the file does not name a distribution and release plainly. Pure. */
export function distroQualifier(osRelease: string): string | undefined {
  const fields = new Map<string, string>();
  for (const line of osRelease.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const value = line.slice(eq + 1).trim();
    const unquoted = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]) ? value.slice(1, -1) : value;
    fields.set(line.slice(0, eq).trim(), unquoted);
  }
  const id = fields.get('ID');
  const version = fields.get('VERSION_ID');
  if (!id || !version || !/^[a-z0-9._-]{1,32}$/.test(id) || !/^[0-9][0-9.]{0,15}$/.test(version)) return undefined;
  return `${id}-${version}`;
}
