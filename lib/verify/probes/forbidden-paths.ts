/**
 * Paths an attacker asks for: dotfiles (.env, .git), traversal out of the document root (encoded the
 * ways proxies disagree on), and php-fpm's own status and ping pages. Each must get a 4xx and none
 * may show what such a file or page contains. The paths go out as written (the client never
 * normalises them), as the e2e suite sends them (test/e2e/local-task.e2e.ts).
 */
import type { Answer } from '../http-client';
import { fails, holds, type Probe } from '../probe';

interface PathSet {
  readonly id: string;
  readonly title: string;
  readonly paths: readonly string[];
  /** What the file or page would show if it were served (constant patterns, never from input). */
  readonly leak: RegExp;
  readonly what: string;
}

function pathProbe(set: PathSet): Probe {
  return {
    id: set.id,
    title: set.title,
    checks: `${set.paths.length} requests for ${set.what} (${set.paths.join(' ')}) all get a 4xx answer that shows nothing of them.`,
    async run(ctx) {
      const wrong: string[] = [];
      for (const path of set.paths) {
        const a: Answer = await ctx.client.send({ path });
        if (a.status < 400 || a.status >= 500) wrong.push(`${path} -> ${a.status}`);
        else if (set.leak.test(a.body)) wrong.push(`${path} -> ${a.status} showing its content`);
      }
      return wrong.length === 0 ? holds(`${set.paths.length} paths refused with 4xx`) : fails(wrong.join(', '));
    },
  };
}

export const dotfiles = pathProbe({
  id: 'dotfiles',
  title: 'Dotfiles hidden',
  what: 'dotfiles',
  paths: ['/.env', '/.git/config', '/.git/HEAD', '/.htaccess', '/.well-known/../.env', '/%2eenv'],
  leak: /APP_KEY|DB_PASSWORD|\[core\]|ref: refs\/|RewriteEngine/,
});

export const pathTraversal = pathProbe({
  id: 'path-traversal',
  title: 'No path traversal',
  what: 'files outside the document root',
  // Not double-encoded ones (`..%252f`): nginx decodes once, so the app's front controller gets
  // them as a name and may answer 200 without serving any file.
  paths: ['/../../../../etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/index.php/../../../etc/passwd'],
  leak: /root:x:0:0/,
});

export const phpFpmPages = pathProbe({
  id: 'php-fpm-pages',
  title: 'php-fpm pages internal',
  what: "php-fpm's status and ping pages",
  paths: ['/fpm-ping', '/fpm-status', '/fpm-status?full', '/FPM-PING', '/index.php/fpm-ping', '/fpm-status?json'],
  leak: /pong|accepted conn|pool:/i,
});
