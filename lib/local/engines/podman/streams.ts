/** Container output on podman: logs, exec and one-off runs, through the CLI. */
import { spawn } from 'node:child_process';
import type { Following, LogOptions, RunOnceRequest } from '../container-engine';
import { lineSplitter } from '../line-splitter';
import type { Podman } from './cli';

export function logs(podman: Podman, name: string, opts: LogOptions, onLine: (line: string) => void): Following {
  const args = [
    'logs',
    ...(opts.follow ? ['--follow'] : []),
    ...(opts.since ? ['--since', opts.since] : []),
    ...(opts.tail !== undefined ? ['--tail', String(opts.tail)] : []),
    name,
  ];
  if (!opts.follow) {
    const done = podman.run(args).then((r) => {
      for (const l of `${r.stdout}${r.stdout && r.stderr ? '\n' : ''}${r.stderr}`.split('\n')) if (l) onLine(l);
    });
    return { stop: () => undefined, done };
  }
  const child = spawn(podman.bin, args, { cwd: podman.workDir, env: podman.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const feed = lineSplitter(onLine);
  child.stdout.on('data', feed.push);
  child.stderr.on('data', feed.push);
  const done = new Promise<void>((resolve) => child.on('close', () => (feed.flush(), resolve())));
  return { stop: () => child.kill(), done };
}

export async function exec(
  podman: Podman,
  name: string,
  cmd: string[],
  opts: { user?: string; timeoutMs?: number } = {},
): Promise<{ code: number; output: string }> {
  const r = await podman.run(['exec', ...(opts.user ? ['--user', opts.user] : []), name, ...cmd], { timeoutMs: opts.timeoutMs });
  return { code: r.code, output: `${r.stdout}${r.stderr}` };
}

export async function runOnce(podman: Podman, req: RunOnceRequest): Promise<{ code: number; output: string }> {
  const args = [
    'run',
    '--rm',
    '--network',
    'none',
    '--read-only',
    '--cap-drop',
    'ALL',
    ...(req.capAdd ?? []).flatMap((c) => ['--cap-add', c]),
    '--security-opt',
    'no-new-privileges',
    '--pull',
    'never',
    ...Object.entries(req.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ...(req.user ? ['--user', req.user] : []),
    ...Object.entries(req.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...(req.binds ?? []).flatMap((b) => ['--volume', b]),
    ...(req.tmpfs ?? []).flatMap((t) => ['--tmpfs', `${t}:rw,noexec,nosuid,nodev,size=16m`]),
    ...(req.entrypoint ? ['--entrypoint', JSON.stringify(req.entrypoint)] : []),
    req.image,
    ...req.cmd,
  ];
  const r = await podman.run(args, { timeoutMs: req.timeoutMs });
  return { code: r.code, output: `${r.stdout}${r.stderr}` };
}
