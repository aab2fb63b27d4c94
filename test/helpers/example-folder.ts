/**
 * Checks shared by the examples' folder tests (test/example-*.test.ts): an example is a complete
 * copy of containers/app, so what it repeats from there must stay byte for byte the same, and the
 * hardening lines of containers/app/Dockerfile must be in its Dockerfile too.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './synth';

export const APP = path.join(REPO_ROOT, 'containers', 'app');
export const exampleDir = (name: string) => path.join(REPO_ROOT, 'examples', name);
export const read = (dir: string, f: string) => readFileSync(path.join(dir, f), 'utf8');

/** The setting lines of a php-fpm or PHP ini file: no blank lines, no comments. */
export const settingLines = (text: string) => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';'));

/**
 * The lines of containers/app/Dockerfile that carry the image's hardening and that every PHP example
 * repeats verbatim: the non-root user, setuid bits stripped, the writable paths' mode, the php-fpm
 * config checked at build time as that user, the stop signal and the health check.
 */
export const DOCKERFILE_HARDENING = [
  'ARG WRITABLE_PATHS=""',
  '    for writable in $WRITABLE_PATHS; do install -d -m 1777 "$writable"; done; \\',
  '    find / -xdev -perm /6000 -type f -exec chmod a-s {} +',
  'USER 33:33',
  'STOPSIGNAL SIGQUIT',
];

/** The files the Dockerfile COPYs from the build context that the folder's .dockerignore (an allow-list) keeps out. */
export function copiedButIgnored(dir: string): string[] {
  const dockerfile = read(dir, 'Dockerfile');
  const allowed = read(dir, '.dockerignore')
    .split('\n')
    .filter((l) => l.startsWith('!'))
    .map((l) => l.slice(1));
  const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(' ')).map((f) => f.split('/')[0]);
  return copied.filter((f) => !allowed.includes(f));
}
