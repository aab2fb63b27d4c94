import { parseDpkgStatus, parseStanzas } from '../../lib/sbom/dpkg-status';

const stanza = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
const installed = (name: string, version: string, extra: Record<string, string> = {}) =>
  stanza({ Package: name, Status: 'install ok installed', Architecture: 'amd64', Version: version, ...extra });

describe('parseStanzas (deb822)', () => {
  test('continuation lines join their field; blank lines separate stanzas; field names are case-insensitive', () => {
    const text = 'Package: a\nDescription: first line\n second line\n .\n\tthird\n\npackage: b\nVERSION: 1\n';
    expect(parseStanzas(text)).toEqual([
      new Map([
        ['package', 'a'],
        ['description', 'first line\nsecond line\n.\nthird'],
      ]),
      new Map([
        ['package', 'b'],
        ['version', '1'],
      ]),
    ]);
  });

  test('CRLF, whitespace-only separator lines, comments and lines without a colon are handled as data, not crashes', () => {
    const stanzas = parseStanzas('# comment\r\nPackage: a\r\nno colon here\r\n \t \r\nPackage: b\r\n');
    expect(stanzas.map((s) => s.get('package'))).toEqual(['a', 'b']);
  });
});

describe('parseDpkgStatus', () => {
  test('keeps installed packages with name, version, architecture, source and maintainer, sorted', () => {
    const text = [
      installed('nginx', '1.26.3-3+deb13u1', { Source: 'nginx', Maintainer: 'Debian Nginx Maintainers <x@example.org>' }),
      installed('libssl3t64', '3.5.1-1', { Source: 'openssl (3.5.1-1)' }),
      installed('tzdata', '2025b-4', { Architecture: 'all' }),
    ].join('\n\n');
    expect(parseDpkgStatus(text)).toEqual({
      packages: [
        { name: 'libssl3t64', version: '3.5.1-1', architecture: 'amd64', source: 'openssl' },
        { name: 'nginx', version: '1.26.3-3+deb13u1', architecture: 'amd64', maintainer: 'Debian Nginx Maintainers <x@example.org>' },
        { name: 'tzdata', version: '2025b-4', architecture: 'all' },
      ],
      malformed: [],
    });
  });

  test('only packages dpkg counts as installed: state installed with flag ok (not config-files, half-configured, reinstreq)', () => {
    const text = [
      installed('aa', '1'),
      installed('bb', '1', { Status: 'deinstall ok config-files' }),
      installed('cc', '1', { Status: 'install ok half-configured' }),
      installed('dd', '1', { Status: 'install reinstreq installed' }),
      installed('ee', '1', { Status: 'hold ok installed' }),
      installed('ff', '1', { Status: 'install ok unpacked' }),
    ].join('\n\n');
    expect(parseDpkgStatus(text).packages.map((p) => p.name)).toEqual(['aa', 'ee']);
  });

  test('status.d stanzas (no Status field) count as installed, and a package in both files is listed once', () => {
    const distroless = stanza({ Package: 'base-files', Version: '13.8', Architecture: 'amd64' });
    const status = installed('base-files', '13.8');
    expect(parseDpkgStatus(status, distroless).packages).toEqual([{ name: 'base-files', version: '13.8', architecture: 'amd64' }]);
  });

  test('missing fields: no Package is skipped silently; no Version or Architecture is reported as malformed', () => {
    const text = [
      stanza({ Status: 'install ok installed', Version: '1', Architecture: 'amd64' }),
      stanza({ Package: 'nover', Status: 'install ok installed', Architecture: 'amd64' }),
      stanza({ Package: 'noarch', Status: 'install ok installed', Version: '1' }),
    ].join('\n\n');
    expect(parseDpkgStatus(text)).toEqual({
      packages: [],
      malformed: [
        { name: 'nover', reason: 'it has no Version' },
        { name: 'noarch', reason: 'its Architecture is missing or not an architecture name' },
      ],
    });
  });

  test('hostile stanzas: control characters, JSON and regex metacharacters in fields are data; bad names and versions are set aside', () => {
    const text = [
      installed('evil\u001b[2J', '1'),
      installed('quote', '1"},{"name":"injected'),
      installed('regex', '(a+)+$'),
      installed('nul', '1\u0000'),
      installed('ok', '1:2.3~rc1-1+b1', { Description: 'line\u001b]0;title\u0007\n \u202e reversed', Maintainer: '"}<script>\u0085' }),
    ].join('\n\n');
    const parsed = parseDpkgStatus(text);
    expect(parsed.packages).toEqual([{ name: 'ok', version: '1:2.3~rc1-1+b1', architecture: 'amd64', maintainer: '"}<script>\u0085' }]);
    expect(parsed.malformed.map((m) => m.reason)).toEqual([
      'the package name is not a Debian package name',
      'its Version is not a Debian version',
      'its Version is not a Debian version',
      'its Version is not a Debian version',
    ]);
  });

  test('a stanza that repeats its Package field keeps the last value, as one package', () => {
    expect(parseDpkgStatus(`${installed('first', '1')}\nPackage: second`).packages.map((p) => p.name)).toEqual(['second']);
  });

  test('empty and binary input give no packages', () => {
    expect(parseDpkgStatus('')).toEqual({ packages: [], malformed: [] });
    expect(parseDpkgStatus('\u0000\u0001\u0002\n\n\n:::\n').packages).toEqual([]);
  });
});
