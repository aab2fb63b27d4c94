/**
 * Run a command and hand its output (stdout and stderr, in arrival order) to `onLine` line by line,
 * keeping the last lines for error reports: synth, apt-get, mmdebstrap and podman builds all show
 * progress this way.
 */
import { spawn } from 'node:child_process';

export interface RunLinesOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly onLine?: (line: string) => void;
  /** Lines dropped before `onLine` and the tail (noise). */
  readonly filter?: (text: string) => string;
  /** How many of the last lines to keep. */
  readonly tail?: number;
  readonly timeoutMs?: number;
}

export function runLines(cmd: string, args: string[], opts: RunLinesOptions = {}): Promise<{ code: number; tail: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const keep = opts.tail ?? 30;
    const partial = { out: '', err: '' };
    const feed = (which: 'out' | 'err') => (chunk: Buffer) => {
      const lines = (partial[which] + chunk.toString()).split('\n');
      partial[which] = lines.pop() ?? '';
      for (const raw of lines) {
        const line = opts.filter ? opts.filter(raw) : raw;
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > keep) tail.shift();
        opts.onLine?.(line);
      }
    };
    child.stdout.on('data', feed('out'));
    child.stderr.on('data', feed('err'));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e) => resolve({ code: 127, tail: [...tail, e.message] }));
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      for (const rest of [partial.out, partial.err]) if (rest.trim()) tail.push(rest);
      resolve({ code: code ?? 1, tail: tail.slice(-keep) });
    });
  });
}
