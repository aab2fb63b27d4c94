/**
 * examples/mediawiki: MediaWiki 1.43 from Debian's archive on php-fpm, with database.engine
 * "postgres" (the local stand-in), behind the proxy under the full hardening. Real MediaWiki through
 * the proxy: the main page, the installed administrator's login (its generated password read from
 * the database, where mediawiki-setup.php keeps it), an edit read back, the session surviving a task
 * replacement (sessions in the database), static files from the proxy, nothing uploaded ever run,
 * the database reached over verified TLS only, the rate limit, the hardening at run time, and
 * `local down --volumes` leaving nothing. Load stays on 127.0.0.1, bounded.
 */
import { spawnSync } from 'node:child_process';
import { engine, inside, newClient, request, type Response } from '../e2e/helpers';
import type { TaskUnderTest } from '../e2e/task-under-test';
import { describeExample, expectHardenedApp, expectRateLimited, type ExampleTask } from './example-task';

const TASK = `secure-ecs-example-mediawiki-${process.pid}`;
/** The uploads folder: settings.json's persistent path and LocalSettings.php's $wgUploadDirectory. */
const UPLOADS = '/srv/app/images';
const PAGE = 'Hardened_stand-up';

/** A browser's cookies for the task: every Set-Cookie kept, sent back on each request (ports do not scope cookies). */
class Browser {
  private readonly cookies = new Map<string, string>();
  readonly client = newClient();
  constructor(public port: number) {}

  async send(p: string, opts: { method?: string; form?: Record<string, string>; body?: Buffer; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.cookies.size > 0) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body = opts.body;
    if (opts.form) {
      body = Buffer.from(new URLSearchParams(opts.form).toString());
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    const r = await request(this.port, p, { method: opts.method ?? (body ? 'POST' : 'GET'), client: this.client, headers, body });
    for (const c of r.headers['set-cookie'] ?? []) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
      if (value === '' || value === 'deleted' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return r;
  }

  /** MediaWiki's action API (JSON), GET for reads, POST (form) for writes. */
  async api(params: Record<string, string>, post = false): Promise<any> {
    const query = { format: 'json', formatversion: '2', ...params };
    const r = post ? await this.send('/api.php', { form: query }) : await this.send(`/api.php?${new URLSearchParams(query)}`);
    // The body goes into the comparison so a failure shows what answered instead.
    expect([r.status, r.headers['content-type'], r.status === 200 ? '' : r.body.slice(0, 300)]).toEqual([200, expect.stringContaining('application/json'), '']);
    return JSON.parse(r.body);
  }

  async token(type: 'login' | 'csrf'): Promise<string> {
    return (await this.api({ action: 'query', meta: 'tokens', type }))[`query`].tokens[`${type}token`];
  }

  async userName(): Promise<{ name: string; anon: boolean }> {
    const u = (await this.api({ action: 'query', meta: 'userinfo' })).query.userinfo;
    return { name: u.name, anon: Boolean(u.anon) };
  }
}

/** A query's single value in the stand-in, as its superuser over the local socket (peer authentication). */
async function standinQuery(taskName: string, sql: string): Promise<string> {
  const r = await inside(`${taskName}-database`, `psql -h /run/standin -U postgres -d app -Atc "${sql}"`);
  if (r.code !== 0) throw new Error(`psql in the stand-in failed: ${r.out}`);
  return r.out.trim();
}

describeExample(
  'examples/mediawiki: MediaWiki from Debian with PostgreSQL behind the proxy',
  { name: 'mediawiki', task: TASK, startTimeoutMs: 25 * 60_000 },
  (example) => {
    let ex: ExampleTask;
    let t: TaskUnderTest;
    const admin = new Browser(0);
    beforeAll(() => {
      ex = example();
      t = ex.t;
      admin.port = t.port;
    });

    test('the main page is MediaWiki, rendered by php-fpm from the database the start script installed', async () => {
      const r = await request(t.port, '/index.php/Main_Page', { client: newClient() });
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toContain('text/html');
      expect(r.body).toContain('<title>Secure ECS Wiki</title>');
      expect(r.body).toContain('<meta name="generator" content="MediaWiki 1.43.');
      expect(r.body).toMatch(/<body class="[^"]* page-Main_Page /);
      expect(r.body).toContain('MediaWiki has been installed');
      // The load balancer's health check: 200 from php-fpm (public/index.php answers it before MediaWiki).
      const health = await request(t.port, '/healthz', { client: newClient() });
      expect([health.status, health.body, health.headers['cache-control']]).toEqual([200, 'ok\n', 'no-store']);
      // The front door is an entry point of the public folder (index.php), nothing else of the code is.
      expect((await request(t.port, '/', { client: newClient() })).status).toBe(301);
      for (const p of ['/includes/WebStart.php', '/maintenance/run.php', '/mw-config/index.php', '/LocalSettings.php', '/vendor/autoload.php']) {
        expect([p, (await request(t.port, p, { client: newClient() })).status]).toEqual([p, 404]);
      }
    });

    test('the installed administrator logs in (password generated at install, kept in the database) and edits a page that reads back', async () => {
      const password = await standinQuery(TASK, "SELECT value FROM secure_ecs_mediawiki WHERE name = 'admin_password'");
      expect(password).toMatch(/^[0-9a-f]{32}$/);
      const wrong = await admin.api(
        { action: 'clientlogin', username: 'Admin', password: 'not-the-password', logintoken: await admin.token('login'), loginreturnurl: 'http://localhost/' },
        true,
      );
      expect(wrong.clientlogin.status).toBe('FAIL');
      const login = await admin.api(
        { action: 'clientlogin', username: 'Admin', password, logintoken: await admin.token('login'), loginreturnurl: 'http://localhost/' },
        true,
      );
      expect(login.clientlogin).toEqual(expect.objectContaining({ status: 'PASS', username: 'Admin' }));
      expect(await admin.userName()).toEqual({ name: 'Admin', anon: false });

      const text = `Edited through the hardened proxy at ${new Date().toISOString()}.`;
      const edit = await admin.api({ action: 'edit', title: PAGE, text, summary: 'example test', token: await admin.token('csrf') }, true);
      expect(edit.edit.result).toBe('Success');
      const raw = await request(t.port, `/index.php?title=${PAGE}&action=raw`, { client: newClient() });
      expect([raw.status, raw.body]).toEqual([200, text]);
      const page = await request(t.port, `/index.php/${PAGE}`, { client: newClient() });
      expect([page.status, page.body.includes(text)]).toEqual([200, true]);
      // Anonymous editing is off (LocalSettings.php): an anonymous edit is refused.
      const anon = new Browser(t.port);
      const refused = await anon.api({ action: 'edit', title: PAGE, text: 'vandalism', token: await anon.token('csrf') }, true);
      expect(refused.error?.code).toMatch(/permissiondenied|protectedpage|cantcreate/);
    });

    test('the administrator uploads an image: stored in the persistent uploads folder, served back by img_auth.php as data; a .php upload is refused', async () => {
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
      const upload = async (filename: string, content: Buffer, type: string) => {
        const boundary = `----secure-ecs-${Date.now()}`;
        const fields = { action: 'upload', format: 'json', formatversion: '2', filename, ignorewarnings: '1', token: await admin.token('csrf') };
        const body = Buffer.concat([
          ...Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)),
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
          content,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
        const r = await admin.send('/api.php', { method: 'POST', body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } });
        expect(r.status).toBe(200);
        return JSON.parse(r.body);
      };
      const ok = await upload('Hardened-probe.png', png, 'image/png');
      expect(ok.upload?.result).toBe('Success');
      const url = new URL(ok.upload.imageinfo.url, 'http://localhost').pathname;
      expect(url).toMatch(/^\/img_auth\.php\/[0-9a-f]\/[0-9a-f]{2}\/Hardened-probe\.png$/);
      const served = await request(t.port, url, { client: newClient() });
      expect([served.status, served.headers['content-type']]).toEqual([200, 'image/png']);
      const stored = await inside(t.ctr(t.appName), `ls ${UPLOADS}${url.slice('/img_auth.php'.length)}`);
      expect(stored.code).toBe(0);
      const php = await upload('Probe.php', Buffer.from('<?php echo "EXECUTED-" . (6 * 7);'), 'application/x-php');
      expect(php.upload?.result).not.toBe('Success');
      expect(php.error?.code).toMatch(/filetype-banned|verification-error|filetype-missing|fileexists-forbidden|empty-file|mustbeloggedin|illegal-filename/);
    });

    test('a static file of the public folder is served by the proxy, not PHP', async () => {
      const r = await request(t.port, '/resources/assets/poweredby_mediawiki.svg', { client: newClient() });
      expect([r.status, r.headers['content-type'], r.headers['cache-control']]).toEqual([200, 'image/svg+xml', 'max-age=3600']);
      expect(r.body).toContain('<svg');
      // MediaWiki stamps every response it makes with X-Request-Id; nginx does not.
      expect(r.headers['x-request-id']).toBeUndefined();
      // load.php (ResourceLoader) is an entry point: the skin's styles come from PHP.
      const css = await request(t.port, '/load.php?modules=skins.vector.styles&only=styles&skin=vector-2022', { client: newClient() });
      expect([css.status, css.headers['content-type']]).toEqual([200, 'text/css; charset=utf-8']);
      expect(css.headers['x-request-id']).toBeDefined();
    });

    test('a .php written into the uploads volume is never executed: 404 at its URL, served as data or refused through img_auth.php', async () => {
      const w = await inside(t.ctr(t.appName), `printf '<?php echo "EXECUTED-" . (6 * 7);' > ${UPLOADS}/probe.php && echo written`);
      expect(w.out).toContain('written');
      for (const p of ['/images/probe.php', '/img_auth.php/probe.php', '/srv/app/images/probe.php']) {
        const r = await request(t.port, p, { client: newClient() });
        expect([p, r.body.includes('EXECUTED-42')]).toEqual([p, false]);
        expect([p, r.status]).toEqual([p, expect.any(Number)]);
        expect([200, 403, 404]).toContain(r.status);
      }
      expect((await request(t.port, '/images/probe.php', { client: newClient() })).status).toBe(404);
    });

    test('the database is reached over TLS only: every connection of the app is TLS, and one without TLS is refused', async () => {
      // The stand-in logs every connection (log_connections): the app's all say SSL enabled.
      const kind = (await engine()).info.kind;
      const logs = spawnSync(kind, ['logs', `${TASK}-database`], { encoding: 'utf8', timeout: 60_000 });
      const authorized = `${logs.stdout}${logs.stderr}`
        .split('\n')
        .filter((l) => l.includes('connection authorized') && l.includes('database=app') && !l.includes('user=postgres '));
      expect(authorized.length).toBeGreaterThan(0);
      for (const l of authorized) expect(l).toMatch(/SSL enabled \(protocol=TLSv1\.[23]/);
      // From the app container, the same login without TLS: refused by the server (pg_hba: hostssl only).
      const plain = await inside(
        t.ctr(t.appName),
        `php -r '$c = @pg_connect(sprintf("host=%s port=%s dbname=%s user=%s password=%s sslmode=disable connect_timeout=5", getenv("DB_HOST"), getenv("DB_PORT"), getenv("DB_NAME"), getenv("DB_USER"), getenv("DB_PASSWORD"))); echo $c ? "connected" : "refused: " . error_get_last()["message"];'`,
      );
      expect(plain.out).toContain('refused');
      expect(plain.out).toMatch(/no encryption|pg_hba\.conf rejects/);
    });

    test('the rate limit: 429 with Retry-After', async () => {
      await expectRateLimited(t, '/resources/assets/poweredby_mediawiki.svg', 200);
    });

    test('MediaWiki runs under the hardening: uid 33, no capabilities, no-new-privileges, read-only root; a write to the uploads folder works, to the code, /etc, /usr or /var/lib it fails', async () => {
      await expectHardenedApp(t, [UPLOADS, '/tmp'], ['/', '/srv/app/mediawiki', '/srv/app/public', '/etc', '/var/lib', '/usr/local/bin']);
    });

    test(
      'logged in, the task is replaced: the new task (same database, same keys) still knows the session, and the edit is still there',
      async () => {
        expect(await admin.userName()).toEqual({ name: 'Admin', anon: false });
        const secret = await standinQuery(TASK, "SELECT value FROM secure_ecs_mediawiki WHERE name = 'secret_key'");
        t = await ex.replace();
        admin.port = t.port;
        expect(await admin.userName()).toEqual({ name: 'Admin', anon: false });
        expect(await standinQuery(TASK, "SELECT value FROM secure_ecs_mediawiki WHERE name = 'secret_key'")).toBe(secret);
        const raw = await request(t.port, `/index.php?title=${PAGE}&action=raw`, { client: newClient() });
        expect([raw.status, raw.body]).toEqual([200, expect.stringContaining('Edited through the hardened proxy')]);
        // The second start found the schema installed and installed nothing.
        const kind = (await engine()).info.kind;
        const logs = spawnSync(kind, ['logs', t.ctr(t.appName)], { encoding: 'utf8', timeout: 60_000 });
        expect(`${logs.stdout}${logs.stderr}`).not.toContain('installing MediaWiki');
      },
      25 * 60_000,
    );
  },
);
