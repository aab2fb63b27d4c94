/**
 * containers/proxy/lay-out-public-folder: the proxy image's copy of the app's public folder, from the
 * app's `public-files` script when it has one (an app installed from a package), else from its
 * src/public. Run here on the host with sh, as the proxy's builder stage runs it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './helpers/synth';

const SCRIPT = path.join(REPO_ROOT, 'containers', 'proxy', 'lay-out-public-folder');

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'lay-out-public-folder-'));
  mkdirSync(path.join(work, 'app'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const layOut = () => spawnSync('sh', [SCRIPT, path.join(work, 'app'), path.join(work, 'out')], { encoding: 'utf8', timeout: 30_000 });
/** Every file and directory under `dir`, relative, sorted. */
const tree = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(path.sep).join('/'))
    .sort();
const out = (f: string) => path.join(work, 'out', f);

/** An app folder whose public-files script runs `body` with $1 the output folder. */
function publicFilesScript(body: string, mode = 0o755): void {
  writeFileSync(path.join(work, 'app', 'public-files'), `#!/bin/sh\nset -eu\n${body}\n`);
  chmodSync(path.join(work, 'app', 'public-files'), mode);
}

test('without a public-files script: src/public, .php files as empty placeholders, no dotfiles, readable by all, writable by none but the owner', () => {
  const pub = path.join(work, 'app', 'src', 'public');
  mkdirSync(path.join(pub, 'css'), { recursive: true });
  writeFileSync(path.join(pub, 'index.php'), '<?php echo "secret";');
  writeFileSync(path.join(pub, 'css', 'app.css'), 'body{}');
  writeFileSync(path.join(pub, '.env'), 'DB_PASSWORD=x');
  mkdirSync(path.join(pub, '.git'));
  writeFileSync(path.join(pub, '.git', 'config'), '[core]');
  chmodSync(path.join(pub, 'css', 'app.css'), 0o600);
  writeFileSync(path.join(work, 'app', 'secret.php'), '<?php');
  const r = layOut();
  expect([r.status, r.stderr]).toEqual([0, '']);
  expect(tree(path.join(work, 'out'))).toEqual(['css', 'css/app.css', 'index.php']);
  expect(readFileSync(out('index.php'), 'utf8')).toBe('');
  expect(readFileSync(out('css/app.css'), 'utf8')).toBe('body{}');
  expect(statSync(out('css/app.css')).mode & 0o777).toBe(0o644);
  expect(statSync(out('css')).mode & 0o777).toBe(0o755);
});

test('with a public-files script: what it lays out, stripped the same way; src/public is not used', () => {
  mkdirSync(path.join(work, 'app', 'src', 'public'), { recursive: true });
  writeFileSync(path.join(work, 'app', 'src', 'public', 'not-this.txt'), 'x');
  publicFilesScript(
    'mkdir -p "$1/wp-includes/js" && printf "js" > "$1/wp-includes/js/a.js" && printf "<?php" > "$1/wp-login.php" && printf x > "$1/.htaccess"',
  );
  const r = layOut();
  expect([r.status, r.stderr]).toEqual([0, '']);
  expect(tree(path.join(work, 'out'))).toEqual(['wp-includes', 'wp-includes/js', 'wp-includes/js/a.js', 'wp-login.php']);
  expect(readFileSync(out('wp-login.php'), 'utf8')).toBe('');
  expect(readFileSync(out('wp-includes/js/a.js'), 'utf8')).toBe('js');
});

test('a public-files script that leaves a symlink fails the build, naming cp -L', () => {
  writeFileSync(path.join(work, 'target.js'), 'js');
  publicFilesScript(`ln -s ${JSON.stringify(path.join(work, 'target.js'))} "$1/lib.js"`);
  const r = layOut();
  expect(r.status).toBe(64);
  expect(r.stderr).toMatch(/public-files left symlinks .*cp -L.*lib\.js/);
});

test('a public-files script that fails, or is not executable, fails the build', () => {
  publicFilesScript('echo "E: Version 0 for wordpress was not found" >&2; exit 100');
  const failed = layOut();
  expect([failed.status, failed.stderr]).toEqual([100, expect.stringContaining('was not found')]);
  rmSync(path.join(work, 'out'), { recursive: true, force: true });
  publicFilesScript('true', 0o644);
  const r = layOut();
  expect([r.status, r.stderr]).toEqual([64, expect.stringContaining('public-files is not an executable file')]);
});

test('an app folder with neither fails with one line; a non-empty output folder is refused', () => {
  const r = layOut();
  expect([r.status, r.stderr.trim().split('\n')]).toEqual([64, [expect.stringContaining('neither a public-files script nor a src/public folder')]]);
  mkdirSync(path.join(work, 'app', 'src', 'public'), { recursive: true });
  mkdirSync(path.join(work, 'out'));
  writeFileSync(out('left-over'), 'x');
  expect(layOut().stderr).toContain('is not empty');
});
