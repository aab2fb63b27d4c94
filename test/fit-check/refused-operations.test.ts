import { refusedOperations } from '../../lib/fit-check/refused-operations';

describe('refusedOperations', () => {
  test('the real lines of Debian nginx and apache2 run without capabilities', () => {
    const r = refusedOperations([
      '2026/12/04 22:35:46 [emerg] 7#7: chown("/var/lib/nginx/body", 33) failed (1: Operation not permitted)',
      '/usr/sbin/apache2ctl: 102: ulimit: error setting limit (Operation not permitted)',
      'Setting ulimit failed. See README.Debian for more information.',
      "chown: changing ownership of '/var/run/apache2/socks.durGueo0UB': Operation not permitted",
    ]);
    expect(r.map((x) => [x.kind, x.count])).toEqual([
      ['change-owner', 2],
      ['raise-limit', 1],
    ]);
  });

  test('user switches, low ports, no-new-privileges and the read-only root are told apart', () => {
    const r = refusedOperations([
      '[emerg] 1#1: setgid(33) failed (1: Operation not permitted)',
      'AH02156: setgid: unable to set group id to Group 33: (1)Operation not permitted',
      '[emerg] 1#1: bind() to 0.0.0.0:80 failed (13: Permission denied)',
      'sudo: The "no new privileges" flag is set, which prevents sudo from running as root.',
      "touch: cannot touch '/var/www/x': Read-only file system",
      'mount: /mnt: permission denied: Operation not permitted',
    ]);
    expect(r.map((x) => x.kind)).toEqual(['read-only-root', 'no-new-privileges', 'bind-port', 'switch-user', 'other-capability']);
    expect(r.find((x) => x.kind === 'switch-user')?.count).toBe(2);
  });

  test('ordinary output and a permission error of the file system are no refusal of a capability', () => {
    expect(refusedOperations(['GET / 200', 'open() "/srv/x" failed (13: Permission denied)', 'operation completed'])).toEqual([]);
  });

  test('examples are distinct, at most three, and each line is cut to 2000 characters', () => {
    const long = `chown failed: Operation not permitted ${'x'.repeat(5000)}`;
    const r = refusedOperations([long, long, 'chown a: Operation not permitted', 'chown b: Operation not permitted', 'chown c: Operation not permitted']);
    expect(r[0].count).toBe(5);
    expect(r[0].lines).toHaveLength(3);
    expect(r[0].lines[0]).toHaveLength(2000);
  });

  test('a hostile line is matched in linear time', () => {
    const began = Date.now();
    refusedOperations([`${'chown '.repeat(100_000)}Operation not permitte`, 'set'.repeat(300_000)]);
    expect(Date.now() - began).toBeLessThan(2000);
  });
});
