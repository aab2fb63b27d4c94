/**
 * examples/mediawiki as a fork copies it into containers/app: the same hardening as the default app
 * (its PHP and php-fpm settings, health check and RDS CA bundle byte for byte; the pool differs only
 * where MediaWiki needs it), settings that pass validation, and PostgreSQL TLS that verifies the
 * server. The example runs end to end in test/examples/mediawiki.example.ts.
 */
import { validateConfig } from '../lib/config/validate-config';
import { RDS_CA_BUNDLE_PATH } from '../lib/constructs/database';
import { APP, DOCKERFILE_HARDENING, copiedButIgnored, exampleDir, read, settingLines } from './helpers/example-folder';

const EXAMPLE = exampleDir('mediawiki');

test.each(['php/hardening.ini', 'php/php-fpm.conf', 'healthcheck', 'rds-ca-bundle.pem'])('%s is the default app file, unchanged', (f) => {
  expect(read(EXAMPLE, f)).toBe(read(APP, f));
});

// The example keeps the ondemand pool the default app had: its static pool and FastCGI keep-alive were
// measured on the default app only (README "CPU cap, health checks and tail latency"), and MediaWiki's
// workers hold far more memory while idle.
test("the pool is the default app's but for the process manager, fewer children and the variables MediaWiki reads (libpq's TLS, the wiki's keys)", () => {
  const example = settingLines(read(EXAMPLE, 'php/pool.conf'));
  const app = settingLines(read(APP, 'php/pool.conf'));
  expect(app.filter((l) => !example.includes(l))).toEqual(['pm = static', 'pm.max_children = 6', 'pm.max_requests = 10000']);
  expect(example.filter((l) => !app.includes(l))).toEqual([
    'pm = ondemand',
    'pm.max_children = 4',
    'pm.process_idle_timeout = 30s',
    'pm.max_requests = 500',
    'access.log = /dev/null',
    'env[PGSSLMODE] = verify-full',
    'env[PGSSLROOTCERT] = $DB_TLS_CA_FILE',
    'env[MW_SECRET_KEY] = $MW_SECRET_KEY',
    'env[MW_UPGRADE_KEY] = $MW_UPGRADE_KEY',
  ]);
});

test("the Dockerfile has the default app's hardening lines, installs the hardening files where the default app does and the RDS CAs at DB_TLS_CA_FILE, and copies only what the build context allows", () => {
  const dockerfile = read(EXAMPLE, 'Dockerfile');
  for (const line of [
    ...DOCKERFILE_HARDENING,
    ...read(APP, 'Dockerfile')
      .split('\n')
      .filter((l) => /^COPY (php\/|rds-ca-bundle)/.test(l)),
  ])
    expect(dockerfile.split('\n')).toContain(line);
  expect(dockerfile).toMatch(new RegExp(`^COPY rds-ca-bundle\\.pem ${RDS_CA_BUNDLE_PATH}$`, 'm'));
  expect(copiedButIgnored(EXAMPLE)).toEqual([]);
});

test('settings.json passes validation: PostgreSQL, every .php of the public folder an entry point, the uploads folder persistent', () => {
  const config = validateConfig(JSON.parse(read(EXAMPLE, 'settings.json')), { warn: () => undefined });
  expect(config.database.engine).toBe('postgres');
  expect(config.app.entryPoints).toBe('files');
  expect(config.app.persistentPaths).toEqual([{ path: '/srv/app/images' }]);
  expect(read(EXAMPLE, 'LocalSettings.php')).toContain("$wgUploadDirectory = '/srv/app/images';");
});

test('MediaWiki connects with the server verified: LocalSettings.php refuses to run without verify-full, and never sets $wgDBssl (sslmode=require)', () => {
  const settings = read(EXAMPLE, 'LocalSettings.php');
  expect(settings).toContain('$wgDBssl = false;');
  expect(settings).toContain("getenv( 'PGSSLMODE' ) !== 'verify-full'");
  expect(read(EXAMPLE, 'start-mediawiki')).toMatch(/^export PGSSLMODE=verify-full$/m);
  expect(read(EXAMPLE, 'mediawiki-setup.php')).toContain("'sslmode' => 'verify-full'");
});
