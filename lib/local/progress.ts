/**
 * Progress output for long steps (synth, base image, builds, health waits). On a terminal one line per
 * step is redrawn with a spinner and the elapsed time; elsewhere (CI logs, `npm test`) each change of
 * the step's text is printed as its own line, throttled, with a heartbeat so a quiet step still shows
 * it is alive. Everything goes to the given stream (stderr by default): stdout stays for results.
 */
import { LocalStepError } from './errors';

export interface StepHandle {
  /** Replace the step's status text (the last build instruction, the container's health ...). */
  update(text: string): void;
  /** Finish the step successfully, with an optional result ("cached", "built in 41 s" ...). */
  done(text?: string): void;
  /** Finish the step as failed (the caller reports the cause). */
  fail(text?: string): void;
  /** Finish the step as cut short by a stop the user asked for: neither done nor failed. */
  interrupt(text?: string): void;
}

export interface Reporter {
  info(line: string): void;
  warn(line: string): void;
  begin(title: string): StepHandle;
  /** Run `fn` as a step: done on success; on failure marked failed and re-thrown as a LocalStepError of `title`. */
  step<T>(title: string, fn: (s: StepHandle) => Promise<T>): Promise<T>;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Non-terminal output: at most one line per step every this many ms, and a heartbeat after this long. */
const PLAIN_THROTTLE_MS = 2000;
const PLAIN_HEARTBEAT_MS = 10000;

export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function createReporter(stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now): Reporter {
  const tty = Boolean(stream.isTTY) && process.env.TERM !== 'dumb' && !process.env.CI;
  let active: { title: string; text: string; started: number; timer?: NodeJS.Timeout; frame: number; lastPrinted: number; printedText: string } | undefined;

  const clearLine = () => {
    if (tty && active) stream.write('\r\x1b[K');
  };
  const draw = () => {
    if (!tty || !active) return;
    const a = active;
    const elapsed = formatDuration(now() - a.started);
    const width = Math.max(20, (stream.columns ?? 100) - 1);
    const line = `${SPINNER[a.frame++ % SPINNER.length]} ${a.title}${a.text ? `: ${a.text}` : ''} (${elapsed})`;
    stream.write(`\r\x1b[K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
  };
  const plainProgress = (force: boolean) => {
    if (tty || !active) return;
    const a = active;
    const t = now();
    const changed = a.text !== a.printedText;
    if ((changed && (force || t - a.lastPrinted >= PLAIN_THROTTLE_MS)) || t - a.lastPrinted >= PLAIN_HEARTBEAT_MS) {
      stream.write(`    ${a.title}: ${a.text || 'working'} (${formatDuration(t - a.started)})\n`);
      a.lastPrinted = t;
      a.printedText = a.text;
    }
  };
  const println = (line: string) => {
    clearLine();
    stream.write(`${line}\n`);
    draw();
  };

  const reporter: Reporter = {
    info: (line) => println(line),
    warn: (line) => println(`warning: ${line}`),
    begin(title) {
      if (active) finish(active.title, 'done');
      const started = now();
      active = { title, text: '', started, frame: 0, lastPrinted: started, printedText: '' };
      if (tty) {
        active.timer = setInterval(draw, 100);
        active.timer.unref();
        draw();
      } else {
        stream.write(`==> ${title}\n`);
        active.timer = setInterval(() => plainProgress(false), 1000);
        active.timer.unref();
      }
      const mine = active;
      return {
        update: (text) => {
          if (active !== mine) return;
          mine.text = text.replace(/\s+/g, ' ').trim();
          plainProgress(false);
        },
        done: (text) => finish(title, 'done', text, mine),
        fail: (text) => finish(title, 'failed', text, mine),
        interrupt: (text) => finish(title, 'interrupted', text, mine),
      };
    },
    async step(title, fn) {
      const handle = reporter.begin(title);
      try {
        const result = await fn(handle);
        handle.done();
        return result;
      } catch (e) {
        handle.fail();
        if (e instanceof LocalStepError) throw e;
        throw new LocalStepError(title, (e as Error).message ?? String(e));
      }
    },
  };

  function finish(title: string, how: 'done' | 'failed' | 'interrupted', text?: string, which = active): void {
    if (!which || active !== which) return;
    if (which.timer) clearInterval(which.timer);
    const elapsed = formatDuration(now() - which.started);
    clearLine();
    active = undefined;
    const mark = { done: tty ? '✔' : 'ok', failed: tty ? '✖' : 'FAILED', interrupted: tty ? '■' : 'stopped' }[how];
    stream.write(`${mark} ${title}${text ? `: ${text}` : ''} (${elapsed})\n`);
  }

  return reporter;
}
