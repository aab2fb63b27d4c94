/**
 * examples/radicale: Radicale (CalDAV/CardDAV, Python) from Debian's archive, unchanged, behind the
 * proxy under the full hardening. Real CalDAV through the proxy (MKCALENDAR, PUT, GET, PROPFIND),
 * the proxy's limits, the hardening at run time, the declared collections folder the only writable
 * place besides /tmp, and `local down --volumes` leaving nothing. Load stays on 127.0.0.1, bounded.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from '../../lib/local/host/cache-dir';
import { inside, newClient, request } from '../e2e/helpers';
import type { TaskUnderTest } from '../e2e/task-under-test';
import { describeExample, expectHardenedApp, expectRateLimited, type ExampleTask } from './example-task';

const TASK = `secure-ecs-example-radicale-${process.pid}`;
/** The collections folder, radicale.conf's [storage] filesystem_folder and settings.json's persistent path. */
const COLLECTIONS = '/var/lib/radicale';

/**
 * Two users with random passwords, in the htpasswd file of the staged image (the example ships it
 * empty). Plain text, which Radicale's "autodetect" accepts; a fork writes bcrypt hashes. Kept in a
 * file (mode 0600, never committed) so the image, whose build copies the file, stays cached between
 * runs: in secure-ecs's cache directory with the base images `local up` builds, not the temporary
 * folder, where it was a file no run removed.
 */
const PASSWORDS = machinePasswords(path.join(cacheDir(), 'examples-radicale-users.json'), ['alice', 'mallory']);
const USERS = Object.entries(PASSWORDS)
  .map(([user, password]) => `${user}:${password}\n`)
  .join('');
const as = (user: string, password = PASSWORDS[user]) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

const EVENT = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//secure-ecs-starter//examples test//EN',
  'BEGIN:VEVENT',
  'UID:example-radicale-event-1@secure-ecs.test',
  'DTSTAMP:20261204T120000Z',
  'DTSTART:20261205T090000Z',
  'DTEND:20261205T100000Z',
  'SUMMARY:Hardened stand-up',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

/** Passwords of `users` read from `file`, or made and written there (0600) when it is absent or unreadable. */
function machinePasswords(file: string, users: string[]): Record<string, string> {
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    if (users.every((u) => /^[0-9a-f]{24}$/.test(kept[u] ?? ''))) return kept;
  } catch {
    // absent or unreadable: made below
  }
  const made = Object.fromEntries(users.map((u) => [u, randomBytes(12).toString('hex')]));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(made), { mode: 0o600 });
  return made;
}

describeExample(
  'examples/radicale: Radicale from Debian behind the proxy',
  { name: 'radicale', task: TASK, files: { users: USERS }, startTimeoutMs: 25 * 60_000 },
  (example) => {
    let ex: ExampleTask;
    let t: TaskUnderTest;
    beforeAll(() => {
      ex = example();
      t = ex.t;
    });

    test('CalDAV through the proxy: MKCALENDAR, PUT an event, GET it back, PROPFIND lists it; another user, a wrong password and no login cannot read it', async () => {
      const client = newClient();
      const dav = (method: string, p: string, body?: string, headers: Record<string, string> = {}) =>
        request(t.port, p, { method, client, headers: { ...as('alice'), ...headers }, body: body === undefined ? undefined : Buffer.from(body) });
      const mk = await dav('MKCALENDAR', '/alice/work/');
      expect(mk.status).toBe(201);
      const put = await dav('PUT', '/alice/work/standup.ics', EVENT, { 'Content-Type': 'text/calendar; charset=utf-8' });
      expect(put.status).toBe(201);
      const get = await dav('GET', '/alice/work/standup.ics');
      expect(get.status).toBe(200);
      expect(get.headers['content-type']).toContain('text/calendar');
      expect(get.body).toContain('UID:example-radicale-event-1@secure-ecs.test');
      expect(get.body).toContain('SUMMARY:Hardened stand-up');
      const list = await dav('PROPFIND', '/alice/work/', '<?xml version="1.0"?><propfind xmlns="DAV:"><prop><getetag/></prop></propfind>', {
        Depth: '1',
        'Content-Type': 'application/xml',
      });
      expect(list.status).toBe(207);
      expect(list.body).toContain('/alice/work/standup.ics');
      const other = await request(t.port, '/alice/work/standup.ics', { client: newClient(), headers: as('mallory') });
      expect(other.status).toBe(403);
      expect(other.body).not.toContain('example-radicale-event-1');
      const wrong = await request(t.port, '/alice/work/standup.ics', { client: newClient(), headers: as('alice', 'not-the-password') });
      expect(wrong.status).toBe(401);
      const anonymous = await request(t.port, '/alice/work/standup.ics', { client: newClient() });
      expect([anonymous.status, anonymous.headers['www-authenticate']]).toEqual([401, expect.stringContaining('Basic')]);
      // What Radicale stored is in the declared folder, nowhere else.
      const stored = await inside(t.ctr(t.appName), `ls ${COLLECTIONS}/collection-root/alice/work/`);
      expect(stored.out).toContain('standup.ics');
    });

    test('the proxy passes only the methods settings.json lists: TRACE is 405 with that list in Allow', async () => {
      const r = await request(t.port, '/alice/', { method: 'TRACE', client: newClient(), headers: as('alice') });
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe((ex.settings.app.methods as string[]).join(', '));
    });

    test('a static file of the example public folder is served by the proxy, not Radicale; its /.web/ pages are dotfile paths the proxy refuses', async () => {
      const r = await request(t.port, '/robots.txt', { client: newClient() });
      expect([r.status, r.body, r.headers['cache-control']]).toEqual([200, 'User-agent: *\nDisallow: /\n', 'max-age=3600']);
      // Only the health check path itself (an exact match) passes; the rest of /.web/ stays refused.
      expect((await request(t.port, '/.web/css/main.css', { client: newClient() })).status).toBe(404);
      expect((await request(t.port, '/.web/index.html', { client: newClient() })).status).toBe(404);
    });

    test("the ALB's health check path (settings.json app.healthCheckPath) is 200 through the proxy without a login, never rate-limited", async () => {
      const healthPath = ex.settings.app.healthCheckPath as string;
      expect(t.proxyEnv.HEALTH_CHECK_PATH).toBe(healthPath);
      const template = JSON.parse(readFileSync(t.assembly.templateFile, 'utf8'));
      const groups = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup');
      expect(groups.map((g) => g.Properties.HealthCheckPath)).toEqual([healthPath]);
      const client = newClient();
      // More than the rate and burst allow at once: a path the ALB marks healthy only if every probe is 200.
      const statuses: number[] = [];
      for (let i = 0; i < Number(t.proxyEnv.RATE_LIMIT_BURST) + 15; i++) statuses.push((await request(t.port, healthPath, { client })).status);
      expect(new Set(statuses)).toEqual(new Set([200]));
      // And it is the app that answers: without Radicale behind it the proxy would say 502.
      const page = await request(t.port, healthPath, { client: newClient() });
      expect(page.body).toMatch(/Radicale/i);
    });

    test('the rate limit: 429 with Retry-After', async () => {
      // Radicale's PROPFIND of the user's own principal: 207 until the limit.
      await expectRateLimited(t, '/alice/', 207, { method: 'PROPFIND', headers: { ...as('alice'), Depth: '0' } });
    });

    test('Radicale runs under the hardening: uid 33, no capabilities, no-new-privileges, read-only root; the declared collections folder and /tmp take writes, nothing else', async () => {
      await expectHardenedApp(t, [COLLECTIONS, '/tmp'], ['/', '/etc/radicale', '/var/lib', '/usr/local/bin']);
    });
  },
);
