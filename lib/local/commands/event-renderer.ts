/**
 * The task runner's events (in-process, or read from a detached supervisor's event log) as the
 * progress lines `secure-ecs local up` prints.
 */
import type { Reporter, StepHandle } from '../progress';
import type { RunnerEvent } from '../state';

/** Render runner events (in-process, or read from a detached supervisor's event log) as progress. */
export function eventRenderer(r: Reporter): (e: RunnerEvent) => void {
  let handle: StepHandle | undefined;
  let shown = '';
  /** A failure is often reported twice (the task stops, then the start fails): show the logs once. */
  const details = (lines: string[] = []) => {
    if (JSON.stringify(lines) === shown) return;
    shown = JSON.stringify(lines);
    for (const d of lines) r.info(`  ${d}`);
  };
  return (e) => {
    switch (e.kind) {
      case 'step':
        // A step still open when the next begins was cut short: the task began stopping (a signal)
        // while it waited. Closing it as done would claim it succeeded, as failed that the task
        // failed; its cause follows as an interrupted `failed` event.
        handle?.interrupt('interrupted, the task is stopping');
        handle = r.begin(e.text);
        break;
      case 'progress':
        handle?.update(e.text);
        break;
      case 'done':
        handle?.done();
        handle = undefined;
        break;
      case 'failed':
        if (e.interrupted) {
          // Ctrl-C or `local down` while starting: what the user asked for, not a failure of the task.
          handle?.interrupt();
          handle = undefined;
          r.info(`start interrupted: ${e.text}`);
          break;
        }
        handle?.fail();
        handle = undefined;
        r.info(`FAILED ${e.text}`);
        details(e.details);
        break;
      case 'stopped':
        r.warn(`task stopping: ${e.text}`);
        details(e.details);
        break;
      case 'warn':
        r.warn(e.text);
        break;
      default:
        r.info(e.text);
    }
  };
}
