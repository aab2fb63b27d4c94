/**
 * What every hostile input must get from the CLI: the expected exit code, one line saying what is
 * wrong, no stack trace, no planted secret in any output, and an answer within a time bound.
 */
import { execFile } from 'node:child_process';
import { buildCli, type CliResult, cleanEnv, REPO_ROOT } from '../audit/helpers/cli';

/** Planted in inputs and in the environment; none may appear in stdout or stderr. */
const SECRETS = ['hunter2', 'S3CR3T', 'AKIAZZZZ', 'sup3rs3cret', 'pa55word', 'Tr0ub4dor', 'ghp_'];

/** AWS credentials that are themselves markers (live cases). */
export const MARKED_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIAZZZZZZZZZZZZZZZZ',
  AWS_SECRET_ACCESS_KEY: 'S3CR3TS3CR3TS3CR3TS3CR3TS3CR3TS3CR3TS3CR',
  AWS_SESSION_TOKEN: 'S3CR3T-session-token',
  AWS_REGION: 'eu-west-1',
};

export const FORMATS = ['table', 'json', 'sarif', 'markdown'] as const;

export interface TimedResult extends CliResult {
  readonly seconds: number;
}

let cli: string | undefined;

/**
 * CLI processes of this file running at once. Jest runs concurrent tests five at a time; the unit
 * run shares 2 cores with every other suite, so the hostile cases run one at a time rather than slow the
 * other suites' CLI tests past their timeouts. A case's time is measured from its own start.
 */
const PARALLEL = 1;
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** The CLI as users run it (bin/secure-ecs.ts bundled as `npm run build:cli` bundles it), built once per file. */
export function run(args: string[], env: Record<string, string> = {}): Promise<TimedResult> {
  cli ??= buildCli();
  const built = cli;
  return slot(async () => {
    const start = process.hrtime.bigint();
    const r = await new Promise<CliResult>((resolve) => {
      // The kill deadline is far past every case's bound, so a slow case fails on its bound, with its output.
      execFile(process.execPath, [built, ...args], { cwd: REPO_ROOT, env: cleanEnv(env), timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
    return { ...r, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
  });
}

/** Lines of stderr that are not progress (`secure-ecs audit: ...`). */
const messages = (stderr: string) => stderr.split('\n').filter((l) => l !== '' && !l.startsWith('secure-ecs audit: '));

function expectNoSecret(r: CliResult): void {
  for (const secret of SECRETS) {
    expect(r.stdout).not.toContain(secret);
    expect(r.stderr).not.toContain(secret);
  }
}

/** Exit 2, one line matching `message`, no trace, no secret, within `seconds`. */
export function expectRefused(r: TimedResult, message: RegExp, seconds: number): void {
  expect({ code: r.code, stderr: messages(r.stderr) }).toEqual({ code: 2, stderr: [expect.stringMatching(message)] });
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
  expectNoSecret(r);
  expect(r.seconds).toBeLessThan(seconds);
}

/** A report was produced with `code`, no error line, no trace, no secret, within `seconds`. */
export function expectReported(r: TimedResult, code: 0 | 1, seconds: number): void {
  expect({ code: r.code, stderr: messages(r.stderr) }).toEqual({ code, stderr: [] });
  expectNoSecret(r);
  expect(r.seconds).toBeLessThan(seconds);
}
