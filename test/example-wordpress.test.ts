/**
 * examples/wordpress as a fork copies it into containers/app: the same hardening as the default app
 * (php-fpm's settings, health check and RDS CA bundle byte for byte, its PHP settings but for the
 * two WordPress needs, the Dockerfile's hardening lines), and settings that pass validation. The
 * example runs end to end in test/examples/wordpress.example.ts.
 */
import { validateConfig } from '../lib/config/validate-config';
import { RDS_CA_BUNDLE_PATH } from '../lib/constructs/database';
import { APP, DOCKERFILE_HARDENING, copiedButIgnored, exampleDir, read, settingLines } from './helpers/example-folder';

const EXAMPLE = exampleDir('wordpress');

test.each(['php/php-fpm.conf', 'healthcheck', 'rds-ca-bundle.pem'])('%s is the default app file, unchanged', (f) => {
  expect(read(EXAMPLE, f)).toBe(read(APP, f));
});

test("the pool is the default app's, setting for setting, but for 5 workers (2 kept connections in settings.json)", () => {
  const example = settingLines(read(EXAMPLE, 'php/pool.conf'));
  const app = settingLines(read(APP, 'php/pool.conf'));
  expect(app.filter((l) => !example.includes(l))).toEqual(['pm.max_children = 6']);
  expect(example.filter((l) => !app.includes(l))).toEqual(['pm.max_children = 5']);
});

test("the PHP settings are the default app's but for a larger memory limit and opcache (WordPress's size) and the database's CA file", () => {
  const example = settingLines(read(EXAMPLE, 'php/hardening.ini'));
  const app = settingLines(read(APP, 'php/hardening.ini'));
  expect(app.filter((l) => !example.includes(l))).toEqual(['memory_limit = 32M', 'opcache.memory_consumption = 32']);
  expect(example.filter((l) => !app.includes(l))).toEqual([
    'memory_limit = 64M',
    'opcache.memory_consumption = 48',
    'openssl.cafile = "${DB_TLS_CA_FILE:-/etc/ssl/certs/rds-global-bundle.pem}"',
  ]);
});

test("the Dockerfile has the default app's hardening lines, installs its files where the default app does, and copies only what the build context allows", () => {
  const dockerfile = read(EXAMPLE, 'Dockerfile').split('\n');
  const app = read(APP, 'Dockerfile').split('\n');
  for (const line of [
    ...DOCKERFILE_HARDENING,
    ...app.filter((l) => /^(COPY (php\/|rds-ca-bundle|healthcheck)|HEALTHCHECK| {4}CMD |CMD |RUN php-fpm8.4 --test)/.test(l)),
  ])
    expect(dockerfile).toContain(line);
  expect(dockerfile).toContain(`COPY rds-ca-bundle.pem ${RDS_CA_BUNDLE_PATH}`);
  expect(copiedButIgnored(EXAMPLE)).toEqual([]);
});

test('settings.json passes validation: MariaDB, every .php of the public folder an entry point, the uploads folder persistent', () => {
  const config = validateConfig(JSON.parse(read(EXAMPLE, 'settings.json')), { warn: () => undefined });
  expect(config.database.engine).toBe('mariadb');
  expect(config.app.entryPoints).toBe('files');
  expect(config.app.persistentPaths).toEqual([{ path: '/srv/app/public/wp-content/uploads' }]);
  expect(read(EXAMPLE, 'wp-config.php')).toContain('MYSQLI_CLIENT_SSL');
});
