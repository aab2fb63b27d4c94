/**
 * examples/mediawiki as a fork copies it into containers/app: the same hardening as the default app
 * (its PHP and php-fpm settings, health check and RDS CA bundle byte for byte; the pool differs only
 * where MediaWiki needs it), settings that pass validation, and PostgreSQL TLS that verifies the
 * server. The example runs end to end in test/examples/mediawiki.example.ts.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { validateConfig } from '../lib/config/validate-config';
import { RDS_CA_BUNDLE_PATH } from '../lib/constructs/database';
import { REPO_ROOT } from './helpers/synth';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'mediawiki');
const APP = path.join(REPO_ROOT, 'containers', 'app');
const read = (dir: string, f: string) => readFileSync(path.join(dir, f), 'utf8');

test.each(['php/hardening.ini', 'php/php-fpm.conf', 'healthcheck', 'rds-ca-bundle.pem'])('%s is the default app file, unchanged', (f) => {
  expect(read(EXAMPLE, f)).toBe(read(APP, f));
});

// The example keeps the ondemand pool the default app had: its static pool and FastCGI keep-alive were
// measured on the default app only (README "CPU cap, health checks and tail latency"), and MediaWiki's
// workers hold far more memory while idle.
test("the pool is the default app's but for the process manager, fewer children and the variables MediaWiki reads (libpq's TLS, the wiki's keys)", () => {
  const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';'));
  const example = lines(read(EXAMPLE, 'php/pool.conf'));
  const app = lines(read(APP, 'php/pool.conf'));
  expect(app.filter((l) => !example.includes(l))).toEqual(['pm = static', 'pm.max_children = 5', 'pm.max_requests = 10000']);
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

test('the Dockerfile installs the hardening files where the default app does, and the RDS CAs at DB_TLS_CA_FILE', () => {
  const dockerfile = read(EXAMPLE, 'Dockerfile');
  for (const line of read(APP, 'Dockerfile')
    .split('\n')
    .filter((l) => /^COPY (php\/|rds-ca-bundle)/.test(l)))
    expect(dockerfile).toContain(line);
  expect(dockerfile).toMatch(new RegExp(`^COPY rds-ca-bundle\\.pem ${RDS_CA_BUNDLE_PATH}$`, 'm'));
  expect(dockerfile).toMatch(/^USER 33:33$/m);
  // Every file the Dockerfile copies is in the build context (.dockerignore is an allow-list).
  const allowed = read(EXAMPLE, '.dockerignore')
    .split('\n')
    .filter((l) => l.startsWith('!'))
    .map((l) => l.slice(1));
  const copied = [...dockerfile.matchAll(/^COPY (.+) \S+$/gm)].flatMap((m) => m[1].split(' ')).map((f) => f.split('/')[0]);
  expect(copied.filter((f) => !allowed.includes(f))).toEqual([]);
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
