/**
 * examples/wordpress: WordPress 6.8 from Debian's archive on php-fpm, behind the proxy under the full
 * hardening, with the MariaDB stand-in (database.engine mariadb). Installed through
 * wp-admin/install.php over HTTP as a user would, logged in, then: static files from the proxy, an
 * uploaded .php never run, the database over TLS only, the login surviving a task replacement, the
 * proxy's limits, the hardening at run time, and `local down --volumes` leaving nothing. Load stays
 * on 127.0.0.1, bounded.
 */
import { randomBytes } from 'node:crypto';
import { accessLogLines, inside, newClient, request, type Response } from '../e2e/helpers';
import { allow } from '../e2e/time-allowance';
import type { TaskUnderTest } from '../e2e/task-under-test';
import { describeExample, expectHardenedApp, expectRateLimited, type ExampleTask } from './example-task';

const TASK = `secure-ecs-example-wordpress-${process.pid}`;
/** settings.json's persistent path: WordPress's uploads folder, inside the public folder. */
const UPLOADS = '/srv/app/public/wp-content/uploads';
const ADMIN = 'hardened-admin';
/** Made for this run only; the database is new (removed by `down --volumes` at the end). */
const PASSWORD = randomBytes(18).toString('base64url');
const TITLE = `Hardened WordPress ${randomBytes(4).toString('hex')}`;

/** The cookies a browser would keep for the site (names and values only: the test never sends them elsewhere). */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(r: Response): Response {
    for (const line of r.headers['set-cookie'] ?? []) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
      const expired = attributes.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now());
      if (expired || value === 'deleted' || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return r;
  }
  names(): string[] {
    return [...this.cookies.keys()];
  }
  entries(): [string, string][] {
    return [...this.cookies];
  }
  header(): Record<string, string> {
    return this.cookies.size ? { Cookie: [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ') } : {};
  }
}

/** A browser: one client address (its own rate-limit bucket) and a cookie jar. */
function browser(port: () => number) {
  const client = newClient();
  const jar = new CookieJar();
  return {
    jar,
    get: async (p: string, headers: Record<string, string> = {}) => jar.take(await request(port(), p, { client, headers: { ...jar.header(), ...headers } })),
    post: async (p: string, form: Record<string, string>) =>
      jar.take(
        await request(port(), p, {
          method: 'POST',
          client,
          headers: { ...jar.header(), 'Content-Type': 'application/x-www-form-urlencoded' },
          body: Buffer.from(new URLSearchParams(form).toString()),
          timeoutMs: 60_000,
        }),
      ),
  };
}

/**
 * Run `php` through php-fpm inside the app container, as the proxy would (FastCGI on the unix socket
 * the task definition names in APP_FASTCGI_SOCKET, or 127.0.0.1:9000 over TCP; the same php.ini and pool as WordPress), from a file in the app's /tmp. Only the test can do this:
 * the proxy passes a .php only when its copy of the public folder has it. Returns the response body.
 */
async function phpFpm(t: TaskUnderTest, php: string): Promise<string> {
  const script = `/tmp/probe-${randomBytes(4).toString('hex')}.php`;
  const r = await inside(
    t.ctr(t.appName),
    [
      `cat > ${script} <<'PHP'\n${php}\nPHP`,
      `SCRIPT_FILENAME=${script} SCRIPT_NAME=/probe.php REQUEST_METHOD=GET QUERY_STRING= HTTP_HOST=127.0.0.1:${t.port} SERVER_NAME=127.0.0.1 SERVER_PORT=${t.port} REQUEST_URI=/probe.php cgi-fcgi -bind -connect "\${APP_FASTCGI_SOCKET:-127.0.0.1:9000}"`,
      `rm -f ${script}`,
    ].join('\n'),
  );
  const body = r.out
    .split(/\r?\n\r?\n/)
    .slice(1)
    .join('\n\n');
  return body;
}

describeExample(
  'examples/wordpress: WordPress from Debian with the MariaDB stand-in, behind the proxy',
  { name: 'wordpress', task: TASK, startTimeoutMs: 30 * 60_000 },
  (example) => {
    let ex: ExampleTask;
    let t: TaskUnderTest;
    const admin = browser(() => t.port);
    beforeAll(() => {
      ex = example();
      t = ex.t;
    });

    test('installed through wp-admin/install.php as a user would; the admin logs in and sees the dashboard; the front page shows the site', async () => {
      const form = await admin.get('/wp-admin/install.php');
      expect(form.status).toBe(200);
      expect(form.body).toContain('name="weblog_title"');
      const installed = await admin.post('/wp-admin/install.php?step=2', {
        weblog_title: TITLE,
        user_name: ADMIN,
        admin_password: PASSWORD,
        admin_password2: PASSWORD,
        admin_email: 'admin@example.test',
        blog_public: '0',
        Submit: 'Install WordPress',
        language: '',
      });
      expect([installed.status, installed.body]).toEqual([200, expect.stringContaining('Success!')]);

      // The login page sets WordPress's test cookie; the form posts it back with the password.
      expect((await admin.get('/wp-login.php')).status).toBe(200);
      expect(admin.jar.names()).toContain('wordpress_test_cookie');
      const wrong = await admin.post('/wp-login.php', { log: ADMIN, pwd: `${PASSWORD}x`, 'wp-submit': 'Log In', redirect_to: '/wp-admin/', testcookie: '1' });
      expect([wrong.status, wrong.body]).toEqual([200, expect.stringContaining('is incorrect')]);
      const login = await admin.post('/wp-login.php', { log: ADMIN, pwd: PASSWORD, 'wp-submit': 'Log In', redirect_to: '/wp-admin/', testcookie: '1' });
      expect([login.status, login.headers.location]).toEqual([302, expect.stringMatching(/\/wp-admin\/$/)]);
      expect(admin.jar.names()).toEqual(expect.arrayContaining([expect.stringMatching(/^wordpress_logged_in_[0-9a-f]{32}$/)]));
      const dashboard = await admin.get('/wp-admin/');
      expect([dashboard.status, dashboard.body]).toEqual([200, expect.stringContaining('Dashboard')]);

      const front = await request(t.port, '/', { client: newClient() });
      expect([front.status, front.body]).toEqual([200, expect.stringContaining(TITLE)]);
      // Without a login the admin is a redirect to the login page.
      const anonymous = await request(t.port, '/wp-admin/', { client: newClient() });
      expect([anonymous.status, anonymous.headers.location]).toEqual([302, expect.stringContaining('/wp-login.php?redirect_to=')]);
    }, 120_000);

    test("HTTPS as the ALB reports it: X-Forwarded-Proto https from the trusted peer makes WordPress's links https; without it they stay http", async () => {
      const viaAlb = await request(t.port, '/wp-login.php', { client: newClient(), headers: { 'X-Forwarded-Proto': 'https' } });
      expect(viaAlb.body).toMatch(/action="https:\/\/127\.0\.0\.1:\d+\/wp-login\.php"/);
      const plain = await request(t.port, '/wp-login.php', { client: newClient() });
      expect(plain.body).toMatch(/action="http:\/\/127\.0\.0\.1:\d+\/wp-login\.php"/);
    });

    test('static files (wp-includes JavaScript, the theme stylesheet) are served by the proxy from its copy, not by PHP', async () => {
      for (const file of ['/wp-includes/js/jquery/jquery.min.js', '/wp-content/themes/twentytwentyfive/style.css']) {
        const client = newClient();
        const r = await request(t.port, file, { client });
        expect([r.status, r.headers['cache-control']]).toEqual([200, 'max-age=3600']);
        expect(r.headers.etag).toBeDefined();
        // The same bytes as the app image's file; the proxy's access log shows no upstream for it (this request's line: its client).
        const size = await inside(t.ctr(t.appName), `stat -c %s /srv/app/public${file}`);
        expect(Buffer.byteLength(r.body)).toBe(Number(size.out.trim()));
        const logged = await accessLogLines(t.ctr(t.proxyName), (l) => l.includes(`"uri":"${file}"`) && l.includes(`"client":"${client}"`), allow(3000));
        expect(logged.at(-1)).toMatchObject({ status: 200, upstream_time: '' });
      }
      // A script is not a static file: the proxy's copy is an empty placeholder, PHP answers.
      const php = await request(t.port, '/wp-login.php', { client: newClient() });
      expect(php.body).toContain('user_login');
      expect((await inside(t.ctr(t.proxyName), 'stat -c %s /srv/app/public/wp-login.php')).out.trim()).toBe('0');
    });

    test('media uploads land in the persistent uploads folder and the proxy serves them; WordPress refuses a .php upload, and a .php written there is refused (403), never run', async () => {
      const page = await admin.get('/wp-admin/media-new.php?browser-uploader');
      const nonce = /name="_wpnonce" value="([0-9a-f]+)"/.exec(page.body)?.[1];
      expect(nonce).toBeDefined();
      /** The browser uploader's form (wp-admin/media-new.php, html-upload), as a browser posts it. */
      const upload = (filename: string, type: string, content: string) => {
        const boundary = `----probe${randomBytes(8).toString('hex')}`;
        const part = (name: string, value: string, file?: string) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file}"\r\nContent-Type: ${type}` : ''}\r\n\r\n${value}\r\n`;
        return request(t.port, '/wp-admin/media-new.php', {
          method: 'POST',
          client: newClient(),
          headers: { ...admin.jar.header(), 'Content-Type': `multipart/form-data; boundary=${boundary}` },
          body: Buffer.from(
            part('async-upload', content, filename) + part('post_id', '0') + part('_wpnonce', nonce!) + part('html-upload', 'Upload') + `--${boundary}--\r\n`,
          ),
          timeoutMs: 60_000,
        });
      };
      const note = `uploaded ${randomBytes(8).toString('hex')}\n`;
      const ok = await upload('hardened-note.txt', 'text/plain', note);
      expect([ok.status, ok.headers.location]).toEqual([302, expect.stringContaining('/wp-admin/upload.php')]);
      const stored = (await inside(t.ctr(t.appName), `find ${UPLOADS} -name 'hardened-note*.txt'`)).out.trim();
      expect(stored).toMatch(new RegExp(`^${UPLOADS}/\\d{4}/\\d{2}/hardened-note\\.txt$`));
      const url = stored.slice('/srv/app/public'.length);
      const served = await request(t.port, url, { client: newClient() });
      expect([served.status, served.body]).toEqual([200, note]);
      const logged = await accessLogLines(t.ctr(t.proxyName), (l) => l.includes(`"uri":"${url}"`), allow(3000));
      expect(logged.at(-1)).toMatchObject({ status: 200, upstream_time: '' });

      // The proxy caches file lookups in its image's public folder (open_file_cache), never here: a
      // file asked for before it existed is served once written, a changed one with its new length,
      // a deleted one no more.
      const late = `late-${randomBytes(6).toString('hex')}.txt`;
      const lateUrl = `/wp-content/uploads/${late}`;
      const get = async () => {
        const r = await request(t.port, lateUrl, { client: newClient() });
        // Missing, WordPress answers (a 404 page, or a 301 to a post it guesses): anything but the file.
        return r.status === 200 ? r.body : `missing (${r.status})`;
      };
      expect(await get()).toMatch(/^missing \((404|301)\)$/);
      const write = async (content: string) =>
        expect((await inside(t.ctr(t.appName), `printf '${content}' > ${UPLOADS}/${late} && echo ok`)).out).toContain('ok');
      await write('first');
      expect(await get()).toBe('first');
      await write('second, longer');
      expect(await get()).toBe('second, longer');
      expect((await inside(t.ctr(t.appName), `rm ${UPLOADS}/${late} && echo ok`)).out).toContain('ok');
      expect(await get()).toMatch(/^missing \((404|301)\)$/);

      const refused = await upload('upload.php', 'application/x-php', '<?php echo "EXECUTED-" . (6 * 7);');
      expect(refused.body).toContain('not allowed to upload this file type');
      expect((await inside(t.ctr(t.appName), `find ${UPLOADS} -name 'upload*.php' | wc -l`)).out.trim()).toBe('0');

      // Written straight into the volume (as a flaw in a plugin could): never run, refused by the proxy.
      const dir = `${UPLOADS}/probe`;
      const w = await inside(t.ctr(t.appName), `mkdir -p ${dir} && printf '<?php echo "EXECUTED-" . (6 * 7);' > ${dir}/shell.php && echo written`);
      expect(w.out).toContain('written');
      for (const p of ['/wp-content/uploads/probe/shell.php', '/wp-content/uploads/probe/shell.php/x', '/wp-content/uploads/probe/shell.php?x=1']) {
        const r = await request(t.port, p, { client: newClient() });
        expect(r.body).not.toContain('EXECUTED-42');
        expect([p, r.status]).toEqual([p, 403]);
      }
    });

    test("the database only over TLS: WordPress's own connection is encrypted and verified against DB_TLS_CA_FILE; plain and wrongly verified connections fail", async () => {
      const out = await phpFpm(
        t,
        [
          '<?php',
          "require '/srv/app/public/wp-load.php';",
          'mysqli_report(MYSQLI_REPORT_OFF);',
          'function attempt(int $flags, ?string $ca): string {',
          '  $m = mysqli_init();',
          '  if ($ca !== null) mysqli_ssl_set($m, null, null, $ca, null, null);',
          "  if (!@mysqli_real_connect($m, getenv('DB_HOST'), getenv('DB_USER'), getenv('DB_PASSWORD'), getenv('DB_NAME'), (int) getenv('DB_PORT'), null, $flags)) return 'refused: ' . mysqli_connect_error();",
          "  return 'cipher: ' . $m->query(\"SHOW STATUS LIKE 'Ssl_cipher'\")->fetch_row()[1];",
          '}',
          'echo json_encode([',
          "  'wordpress' => $GLOBALS['wpdb']->get_var(\"SHOW STATUS LIKE 'Ssl_cipher'\", 1),",
          "  'cafile' => ini_get('openssl.cafile') === getenv('DB_TLS_CA_FILE'),",
          "  'asWordPress' => attempt(MYSQL_CLIENT_FLAGS, null),",
          "  'plain' => attempt(0, null),",
          "  'otherCa' => attempt(MYSQLI_CLIENT_SSL, '/srv/app/public/wp-includes/certificates/ca-bundle.crt'),",
          ']);',
        ].join('\n'),
      );
      const r = JSON.parse(out.slice(out.indexOf('{')));
      expect(r.wordpress).toMatch(/^(TLS_|ECDHE|AES)/);
      expect(r.cafile).toBe(true);
      expect(r.asWordPress).toMatch(/^cipher: \S+/);
      expect(r.plain).toMatch(/^refused: .*insecure transport are prohibited/);
      expect(r.otherCa).toMatch(/^refused: /);
    });

    test('the hardening at run time: uid 33, no capabilities, no-new-privileges, read-only root; the uploads folder and /tmp take writes, the code and the system do not', async () => {
      await expectHardenedApp(t, [UPLOADS, '/tmp'], ['/srv/app', '/srv/app/public', '/srv/app/public/wp-content', '/etc', '/usr', '/var/lib']);
    });

    test('the rate limit: 429 with Retry-After, static files included', async () => {
      await expectRateLimited(t, '/wp-includes/css/dashicons.min.css', 200);
    });

    test(
      'logged in, the task is replaced (volumes and database kept): still logged in, with the same login cookies',
      async () => {
        const login = () => admin.jar.entries().filter(([name]) => /^wordpress_(logged_in_)?[0-9a-f]{32}$/.test(name));
        const before = login();
        expect(before).toHaveLength(2);
        t = await ex.replace();
        const dashboard = await admin.get('/wp-admin/');
        expect([dashboard.status, dashboard.body]).toEqual([200, expect.stringContaining('Dashboard')]);
        // The login cookies were neither renewed nor dropped: the new task accepted the old ones.
        expect(login()).toEqual(before);
        // The upload written before the replacement is still there (the persistent path).
        expect((await inside(t.ctr(t.appName), `cat ${UPLOADS}/probe/shell.php`)).out).toContain('EXECUTED-');
      },
      25 * 60_000,
    );
  },
);
