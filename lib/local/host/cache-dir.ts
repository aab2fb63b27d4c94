import * as os from 'node:os';
import * as path from 'node:path';

/** Where the runner keeps its generated files and per-task state (XDG cache, per user). */
export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'secure-ecs');
}
