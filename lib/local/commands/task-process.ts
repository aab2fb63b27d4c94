/**
 * Is a recorded runner process still ours? The state file names the pid of `up` (foreground) or of
 * the detached supervisor; pids get reused, so the command line must match too. Off Linux (no
 * /proc), `ps` tells the command line.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isAlive } from '../state';

function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    const ps = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout.trim().split(/\s+/) : undefined;
  }
}

/** Whether `pid` is a live `secure-ecs local up|supervise` process for this task. */
export function isOurProcess(pid: number | undefined, taskName: string): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = commandLine(pid!);
  if (!cmdline) return false;
  return cmdline.includes('local') && (cmdline.includes('supervise') ? cmdline.includes(taskName) : cmdline.includes('up'));
}
