import { isIP } from 'node:net';
import { type Command, Option } from 'commander';
import { escapeControl } from '../audit/untrusted-text';
import { APP_METHODS } from '../constructs/app-shape';
import { MAX_REQUESTS, REQUEST_DEADLINE_MS, TIME_MARGIN_S } from '../verify/budget';
import { PROBES } from '../verify/catalog';
import { MAX_SOCKETS } from '../verify/http-client';
import { renderJson } from '../verify/report/json';
import { renderJunit } from '../verify/report/junit';
import { summaryLine } from '../verify/report/summary-line';
import { renderTable } from '../verify/report/table';
import { DEFAULT_SLOW_CLIENT_SECONDS, runVerify, type VerifyReport } from '../verify/run-verify';
import { parseTarget, VerifyInputError } from '../verify/target';
import { UsageError } from './usage-error';
import { writeReportFile } from './write-report-file';

const VERIFY_FORMATS = ['table', 'json', 'junit'] as const;
type VerifyFormat = (typeof VERIFY_FORMATS)[number];

interface VerifyCommandOptions {
  format: VerifyFormat;
  output?: string;
  forwardedFor?: string;
  allowMethod: string[];
  httpPort: number;
  slowClientSeconds: number;
}

function wholeNumber(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d{1,6}$/.test(value) || Number(value) < min || Number(value) > max)
      throw new UsageError(`${flag} must be a whole number from ${min} to ${max}; received ${JSON.stringify(value.slice(0, 40))}`);
    return Number(value);
  };
}

function address(value: string): string {
  if (isIP(value) === 0) throw new UsageError(`--forwarded-for must be an IPv4 or IPv6 address; received ${JSON.stringify(value.slice(0, 60))}`);
  return value;
}

/** The methods an app may be configured to accept beyond GET, HEAD and POST (app.methods); TRACE and CONNECT never. */
const ALLOWABLE_METHODS = APP_METHODS.filter((m) => !['GET', 'HEAD', 'POST'].includes(m));

function allowedMethod(value: string, previous: string[]): string[] {
  if (!(ALLOWABLE_METHODS as readonly string[]).includes(value))
    throw new UsageError(`--allow-method must be one of ${ALLOWABLE_METHODS.join(', ')} (app.methods); received ${JSON.stringify(value.slice(0, 40))}`);
  return [...previous, value];
}

function render(format: VerifyFormat, report: VerifyReport): string {
  if (format === 'json') return renderJson(report);
  if (format === 'junit') return renderJunit(report);
  return renderTable(report, { width: process.stdout.columns });
}

const HELP = () =>
  [
    '',
    'Probes (a hardened deployment holds every one; TLS probes apply to https URLs only):',
    ...PROBES.map((p) => `  ${p.id}: ${p.checks}`),
    '',
    `Bounds, so it is safe against production: at most ${MAX_REQUESTS} requests (the rate-limit flood stops at its fifth 429),`,
    `at most ${MAX_SOCKETS} connections at once, each request answered within ${REQUEST_DEADLINE_MS / 1000} s, and no request started after`,
    `--slow-client-seconds + ${TIME_MARGIN_S} s. Afterwards this client stays rate-limited for the target's burst / rate seconds.`,
    '',
    'Exit status: 0 when every probe holds, 1 when one fails (named in the report), 2 for bad input.',
  ].join('\n');

/**
 * `secure-ecs verify URL`: the client and attacker probes of the e2e suite against any URL (the
 * local task, a deployed ALB, a test listener), bounded in requests and time (lib/verify/).
 */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify <url>')
    .description('probe a running deployment as a client and an attacker would: rate limit, methods, body limit, slow clients, hidden paths, headers, TLS')
    .addOption(new Option('--format <format>', 'report format').choices(VERIFY_FORMATS).default('table'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option(
      '--forwarded-for <address>',
      'append this client address to X-Forwarded-For as the load balancer would; for a target whose trusted proxy is this machine (secure-ecs local)',
      address,
    )
    .option('--allow-method <method>', 'a method the app is configured to accept (app.methods), so not expected to get 405; repeatable', allowedMethod, [])
    .option('--http-port <port>', 'https URLs: the port of the plain-HTTP listener that must redirect', wholeNumber('--http-port', 1, 65535), 80)
    .option(
      '--slow-client-seconds <seconds>',
      'how long the server may hold a connection whose request header never finishes',
      wholeNumber('--slow-client-seconds', 1, 300),
      DEFAULT_SLOW_CLIENT_SECONDS,
    )
    .addHelpText('after', HELP)
    .action(async (url: string, opts: VerifyCommandOptions) => {
      let target;
      try {
        target = parseTarget(url);
      } catch (e) {
        if (e instanceof VerifyInputError) throw new UsageError(e.message);
        throw e;
      }
      // Progress on a terminal only, one rewritten line; CI logs and files get the report alone.
      const tty = process.stderr.isTTY === true;
      const report = await runVerify({
        target,
        forwardedFor: opts.forwardedFor,
        httpPort: opts.httpPort,
        allowedMethods: opts.allowMethod,
        slowClientSeconds: opts.slowClientSeconds,
        progress: tty ? (line) => process.stderr.write(`\r\x1b[2Ksecure-ecs verify: ${line}`) : undefined,
      });
      if (tty) process.stderr.write('\r\x1b[2K');
      const text = render(opts.format, report);
      if (opts.output !== undefined) writeReportFile(opts.output, text, UsageError);
      else process.stdout.write(text);
      if (opts.output !== undefined || opts.format !== 'table') process.stderr.write(`secure-ecs ${escapeControl(summaryLine(report))}\n`);
      process.exitCode = report.holds ? 0 : 1;
    });
}
