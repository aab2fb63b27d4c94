/**
 * Thin wrapper around the podman CLI: every call gets the runner's environment (CONTAINERS_CONF,
 * see engine.ts), output is captured, and the noise podman prints on hosts without systemd is removed.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { LocalStepError } from '../../errors';
import { withScratchDir } from '../../host/scratch-dir';
import { runLines } from '../../run-lines';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A podman command whose stdout is read as a stream (`pipe`). */
export interface PipedRun {
  readonly stdout: Readable;
  /** Stop the command (its reader has what it needs, or refuses the rest). */
  kill(): void;
  /** Settles when the command has exited: its code (1 when killed) and stderr. */
  readonly done: Promise<Omit<RunResult, 'stdout'>>;
}

export interface RunOptions {
  /** Written to podman's stdin (for `podman secret create NAME -`). */
  readonly input?: string;
  readonly timeoutMs?: number;
  /** Extra environment for this call only. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Without systemd, podman logs an error whenever it would create, start or remove a health-check
 * timer ("unable to get systemd connection ..."). The runner drives the health checks itself
 * (runner/task-supervisor.ts), so these lines carry no information.
 */
function withoutSystemdNoise(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/unable to get systemd connection|Removing timer for container .* healthcheck/.test(l))
    .join('\n')
    .trim();
}

export class Podman {
  /**
   * @param workDir the working directory of every podman process, and so of the conmon processes it
   *   starts (a container's, an exec's, a health check's). conmon 2.1 creates an empty file named `oom`
   *   in its working directory when the container's memory cgroup reports an OOM (conmon src/cgroup.c;
   *   containers/conmon#504), and podman before 5.2 starts conmon wherever podman runs
   *   (containers/podman#23243 moved it). Unset, that is the caller's directory: an OOM test or an
   *   app killed for memory under `npm start` would leave `oom` in the user's checkout. So every host
   *   path given to podman must be absolute: images.ts resolves the build context and the imported
   *   tarball, createSecret its file; bind and device sources (args.ts, streams.ts) and the runner's
   *   cache paths are absolute already (Docker refuses relative binds, and cacheDir() is absolute).
   */
  constructor(
    readonly env: NodeJS.ProcessEnv,
    readonly bin = 'podman',
    readonly workDir?: string,
  ) {}

  run(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const { child, done } = this.spawnTimed(args, opts, 'pipe');
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(opts.input ?? '');
    // 'close' comes after stdout has ended, so `stdout` is whole when `done` settles.
    return done.then((r) => ({ code: r.code, stdout, stderr: r.stderr }));
  }

  /**
   * Run with stdout handed to the caller as it arrives instead of collected (an archive that must not
   * be held or written whole before it is checked). Own process group and timeout as `run`.
   */
  pipe(args: string[], opts: Omit<RunOptions, 'input'> = {}): PipedRun {
    const { child, done } = this.spawnTimed(args, opts, 'ignore');
    return { stdout: child.stdout, kill: () => void child.kill('SIGKILL'), done };
  }

  /** Start podman in its own process group, killed after `timeoutMs`; `done` settles with its exit code and stderr. */
  private spawnTimed(args: string[], opts: Omit<RunOptions, 'input'>, stdin: 'pipe' | 'ignore') {
    // Own process group: a Ctrl-C in the terminal reaches `up`, which then stops the task with
    // podman; it must not also interrupt the podman command that is doing that.
    const child = spawn(this.bin, args, {
      cwd: this.workDir,
      env: { ...this.env, ...opts.env },
      stdio: [stdin, 'pipe', 'pipe'],
      detached: true,
    }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const done = new Promise<Omit<RunResult, 'stdout'>>((resolve) => {
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            stderr += `\n(timed out after ${opts.timeoutMs} ms)`;
            child.kill('SIGKILL');
          }, opts.timeoutMs)
        : undefined;
      child.on('error', (e) => {
        if (timer) clearTimeout(timer);
        resolve({ code: 127, stderr: `${stderr}${e.message}` });
      });
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        resolve({ code: code ?? 1, stderr: withoutSystemdNoise(stderr) });
      });
    });
    return { child, done };
  }

  /** Run and return stdout; a non-zero exit throws a LocalStepError of `step` with podman's message. */
  async ok(step: string, args: string[], opts: RunOptions = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) {
      const message = r.stderr.split('\n').filter(Boolean).pop() ?? `exit ${r.code}`;
      throw new LocalStepError(step, `podman ${args[0]} ${args[1] && !args[1].startsWith('-') ? `${args[1]} ` : ''}failed: ${message.replace(/^Error: /, '')}`);
    }
    return r.stdout;
  }

  /**
   * `podman secret create`: the value goes through a file readable only by this user, removed at once.
   * Not stdin: podman 4.3 reads `-` only from a FIFO ("if `-` is used, data must be passed into
   * stdin"), and Node gives a child a socket pair.
   */
  async createSecret(step: string, name: string, value: string, labels: Record<string, string>): Promise<void> {
    await withScratchDir(path.resolve(os.tmpdir()), 'secure-ecs-secret-', async (dir) => {
      const file = path.join(dir, 'value');
      writeFileSync(file, value, { mode: 0o600 });
      await this.ok(step, ['secret', 'create', ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]), name, file]);
    });
  }

  /** Run with output delivered line by line (builds, pulls); resolves with the exit code and the last lines. */
  stream(args: string[], onLine: (line: string) => void, opts: RunOptions = {}): Promise<{ code: number; tail: string[] }> {
    return runLines(this.bin, args, {
      cwd: this.workDir,
      env: { ...this.env, ...opts.env },
      onLine,
      filter: withoutSystemdNoise,
      tail: 40,
      timeoutMs: opts.timeoutMs,
    });
  }
}
