/**
 * Scratch directories that live for one call and are removed on every way out of it: the call
 * returning or throwing (`finally`); `process.exit` from a signal handler of the command's own
 * (`local up`'s forced stop, fit-check's), which skips pending `finally` blocks but runs 'exit'
 * listeners; and a SIGINT, SIGTERM or SIGHUP nothing else handles, which by Node's default ends the
 * process at once, running neither. A podman secret's value passes through one of these directories,
 * so a Ctrl-C at the wrong moment must not leave it in the temporary folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';

const live = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function removeLive(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // A handler of the command's own decides what the signal means (local up stops the task
  // gracefully first); the `finally` or the 'exit' listener removes the directories then.
  if (process.listenerCount(signal) > 1) return;
  removeLive();
  unhook();
  // With no listener left, Node restores the default action: the process ends by the signal, with
  // the status a shell reports for it (130 for SIGINT), as it would have without this module (under
  // a loader that handles signals itself, such as tsx, the loader's handler decides, as without it).
  // Windows cannot send itself a POSIX signal: exit with the shell's status for it instead.
  try {
    process.kill(process.pid, signal);
  } catch {
    process.exit(128 + (signal === 'SIGHUP' ? 1 : signal === 'SIGINT' ? 2 : 15));
  }
}

function hook(): void {
  process.on('exit', removeLive);
  // First in line: a handler the command registered with process.once is removed just before it is
  // called, so counted after it, it would look like no handler at all.
  for (const s of SIGNALS) process.prependListener(s, onSignal);
}

function unhook(): void {
  process.removeListener('exit', removeLive);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/** Run `use` with a new directory `<parent>/<prefix>XXXXXX`, removed when it settles or the process ends. */
export async function withScratchDir<T>(parent: string, prefix: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(parent, prefix));
  if (live.size === 0) hook();
  live.add(dir);
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    live.delete(dir);
    if (live.size === 0) unhook();
  }
}
