import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where the runner keeps its generated files and per-task state (XDG cache, per user). Always
 * absolute: podman runs in a directory of its own (engines/podman/cli.ts, `workDir`) and is given
 * paths under here. A relative XDG_CACHE_HOME is ignored, as the XDG Base Directory specification
 * says ("If an implementation encounters a relative path in any of these variables it should
 * consider the path invalid and ignore it").
 */
export function cacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'secure-ecs');
}
