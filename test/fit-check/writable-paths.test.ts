import type { FilesystemChange } from '../../lib/local/engines/container-engine';
import { writablePathsFromDiff } from '../../lib/fit-check/writable-paths';

/** `docker diff` text (`A /path`) as the engine layer returns it. */
function diff(text: string): FilesystemChange[] {
  const kinds = { A: 'added', C: 'changed', D: 'deleted' } as const;
  return text
    .trim()
    .split('\n')
    .map((l) => ({ kind: kinds[l[0] as keyof typeof kinds], path: l.slice(2).trim() }));
}

describe('writablePathsFromDiff', () => {
  test("Debian's nginx as packaged (docker diff, Docker 20.10): its temporary directory, not Docker's init", () => {
    const r = writablePathsFromDiff(
      diff(`
C /usr
C /usr/sbin
A /usr/sbin/docker-init
C /var
C /var/lib
C /var/lib/nginx
A /var/lib/nginx/body`),
      ['/tmp'],
    );
    expect(r.declare).toEqual([{ path: '/var/lib/nginx', inImage: true, examples: ['/var/lib/nginx/body'], count: 1 }]);
    expect(r.intoSharedDirectories).toEqual([]);
  });

  test('a directory the program created and filled is declared itself (apache2 under /run)', () => {
    const r = writablePathsFromDiff(diff(`C /run\nA /run/apache2\nA /run/apache2/socks.x1`));
    expect(r.declare.map((d) => [d.path, d.inImage])).toEqual([['/run/apache2', false]]);
  });

  test('unprivileged nginx: logs, temporary files and pid file give three directories, each with what was written', () => {
    const r = writablePathsFromDiff(
      diff(`
C /run
C /run/nginx
A /run/nginx/nginx.pid
C /var
C /var/lib
C /var/lib/nginx
A /var/lib/nginx/body
A /var/lib/nginx/fastcgi
A /var/lib/nginx/proxy
C /var/log
C /var/log/nginx
A /var/log/nginx/access.log
A /var/log/nginx/error.log`),
    );
    expect(r.declare.map((d) => `${d.path} ${d.count}`)).toEqual(['/run/nginx 1', '/var/lib/nginx 3', '/var/log/nginx 2']);
    expect(r.declare[2].examples).toEqual(['/var/log/nginx/access.log', '/var/log/nginx/error.log']);
  });

  test('nested directories collapse into the outer one; the count is of every written path', () => {
    const r = writablePathsFromDiff(diff(`C /var\nC /var/cache\nA /var/cache/app\nA /var/cache/app/a\nA /var/cache/app/b\nA /var/cache/app/b/c`));
    expect(r.declare).toEqual([{ path: '/var/cache/app', inImage: false, examples: ['/var/cache/app/a', '/var/cache/app/b/c'], count: 2 }]);
  });

  test('a file changed or deleted in the image: its directory', () => {
    const r = writablePathsFromDiff(diff(`C /srv\nC /srv/app\nC /srv/app/config.ini\nD /srv/app/old.lock`));
    expect(r.declare.map((d) => [d.path, d.inImage, d.count])).toEqual([['/srv/app', true, 2]]);
  });

  test('writes straight into /etc or / are no path to declare: a tmpfs there would hide the image', () => {
    const r = writablePathsFromDiff(diff(`C /etc\nC /etc/motd\nA /app.pid`));
    expect(r.declare).toEqual([]);
    expect(r.intoSharedDirectories.map((d) => [d.path, d.examples])).toEqual([
      ['/', ['/app.pid']],
      ['/etc', ['/etc/motd']],
    ]);
  });

  test("engine paths, the container's own mounts, and podman's bare `C /etc` are not the program's", () => {
    const r = writablePathsFromDiff(
      diff(`
C /etc
C /run
A /run/.containerenv
A /tmp/session
C /dev
A /dev/shm/x
A /.dockerenv
C /etc/hosts
C /sbin
A /sbin/docker-init
A /etc/passwd
A /etc/group`),
      ['/tmp'],
    );
    expect(r).toEqual({ declare: [], intoSharedDirectories: [] });
  });

  test('paths from the engine are data: relative or dot-dot paths are normalized or dropped, never trusted', () => {
    const r = writablePathsFromDiff([
      { kind: 'added', path: 'relative/file' },
      { kind: 'changed', path: '/var/../var/lib/x' },
      { kind: 'added', path: '/var/lib/x/../x/y' },
    ]);
    expect(r.declare.map((d) => d.path)).toEqual(['/var/lib/x']);
  });

  test('at most ten examples per directory, with the count of all', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ kind: 'added' as const, path: `/var/spool/app/f${String(i).padStart(2, '0')}` }));
    const r = writablePathsFromDiff([{ kind: 'changed', path: '/var/spool' }, { kind: 'changed', path: '/var/spool/app' }, ...many]);
    expect(r.declare[0].examples).toHaveLength(10);
    expect(r.declare[0].count).toBe(25);
  });
});
