/**
 * The installed packages of a Debian image, from its dpkg database: `/var/lib/dpkg/status` (and the
 * one-stanza-per-file `/var/lib/dpkg/status.d/*` of distroless images). The files are untrusted input
 * (they come out of an image): they are parsed as deb822 stanzas (man 5 deb822: "Field: value",
 * continuation lines start with a space or tab, stanzas are separated by blank lines) with fixed
 * patterns only, and a package whose name, version or architecture does not have Debian's syntax
 * (Debian Policy 5.6.1, 5.6.12, 5.6.8) is set aside with the reason instead of reaching the SBOM.
 */

export interface DpkgPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  /** The source package, when it differs from the binary package's name (`Source: nginx (1.26.3-3)` gives nginx). */
  readonly source?: string;
  readonly maintainer?: string;
}

export interface DpkgStatus {
  readonly packages: DpkgPackage[];
  /** Stanzas that name a package but were left out because a field is malformed; the name is as found (untrusted). */
  readonly malformed: { readonly name: string; readonly reason: string }[];
}

/** One stanza's fields, keyed by the field name in lower case (deb822 field names are case-insensitive). */
type Stanza = Map<string, string>;

/** Split deb822 text into stanzas. A line without a colon outside a continuation is ignored. Pure. */
export function parseStanzas(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza | undefined;
  let lastField: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      current = undefined;
      lastField = undefined;
      continue;
    }
    if (line.startsWith('#')) continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current && lastField !== undefined) current.set(lastField, `${current.get(lastField)}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (!current) {
      current = new Map();
      stanzas.push(current);
    }
    lastField = line.slice(0, colon).trim().toLowerCase();
    current.set(lastField, line.slice(colon + 1).trim());
  }
  return stanzas;
}

// Debian Policy 5.6.1 (Source), 5.6.7 (Package): lower-case letters, digits, + - . ; at least two characters.
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
// Debian Policy 5.6.12: [epoch:]upstream_version[-debian_revision], letters, digits and . + ~ - : only.
const VERSION = /^(?:\d+:)?[0-9][A-Za-z0-9.+~:-]*$/;
// Debian Policy 5.6.8: a Debian architecture name, `all`, or `any`.
const ARCHITECTURE = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Whether dpkg counts the package as installed: the Status field's third word is `installed` and its
 * error flag is `ok` (dpkg-query(1): want, error flag, state). `deinstall ok config-files`,
 * `install ok half-configured` and the like are not installed. A stanza without a Status field (the
 * status.d files of distroless images) describes an installed package.
 */
function isInstalled(status: string | undefined): boolean {
  if (status === undefined) return true;
  const [, flag, state] = status.split(/\s+/);
  return flag === 'ok' && state === 'installed';
}

/** The source package name of a `Source` field (`nginx (1.26.3-3)` -> nginx). */
function sourceName(source: string | undefined): string | undefined {
  const name = source?.split(' ')[0];
  return name && PACKAGE_NAME.test(name) ? name : undefined;
}

/** The installed packages in the given status files' text, sorted by name and architecture. Pure. */
export function parseDpkgStatus(...texts: string[]): DpkgStatus {
  const packages = new Map<string, DpkgPackage>();
  const malformed: DpkgStatus['malformed'] = [];
  for (const stanza of texts.flatMap(parseStanzas)) {
    const name = stanza.get('package');
    if (name === undefined || !isInstalled(stanza.get('status'))) continue;
    const version = stanza.get('version');
    const architecture = stanza.get('architecture');
    const reason = !PACKAGE_NAME.test(name)
      ? 'the package name is not a Debian package name'
      : version === undefined
        ? 'it has no Version'
        : !VERSION.test(version)
          ? 'its Version is not a Debian version'
          : architecture === undefined || !ARCHITECTURE.test(architecture)
            ? 'its Architecture is missing or not an architecture name'
            : undefined;
    if (reason !== undefined) {
      malformed.push({ name, reason });
      continue;
    }
    const source = sourceName(stanza.get('source'));
    const maintainer = stanza.get('maintainer');
    packages.set(`${name}:${architecture}`, {
      name,
      version: version!,
      architecture: architecture!,
      ...(source && source !== name ? { source } : {}),
      ...(maintainer ? { maintainer } : {}),
    });
  }
  const sorted = [...packages.values()].sort((a, b) => (a.name === b.name ? (a.architecture < b.architecture ? -1 : 1) : a.name < b.name ? -1 : 1));
  return { packages: sorted, malformed };
}
