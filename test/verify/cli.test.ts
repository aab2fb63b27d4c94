/**
 * `secure-ecs verify` run as a real process: against Python's http.server from Debian (a real,
 * ordinary static web server) it exits 1 naming each missing protection; bad input exits 2 with one
 * line; secrets in the URL and control characters in the server's answers reach no output format.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildCli, type CliResult, expectUsageError, runCli } from '../audit/helpers/cli';
import { type Running, startPythonHttpServer, startRaw } from './helpers/servers';
import { tempDir } from '../helpers/temp-dir';

const scratch = tempDir('verify-cli-');
let cli: string;
let python: Running;

beforeAll(async () => {
  cli = buildCli();
  writeFileSync(path.join(scratch, 'index.html'), '<!doctype html><title>static</title>\n');
  python = await startPythonHttpServer(scratch);
});
afterAll(() => python?.close());

/** A short slow-client wait keeps each run to a few seconds (Python's server never ends an unfinished header). */
const verify = (...args: string[]): Promise<CliResult> => runCli(cli, ['verify', ...args, '--slow-client-seconds', '2']);

describe('against a plain static web server (python3 -m http.server)', () => {
  test('exits 1, naming the rate limit, the method allow-list and the security headers among the failed probes', async () => {
    const r = await verify(`http://127.0.0.1:${python.port}/`);
    expect(r.code).toBe(1);
    const summary = r.stdout.trimEnd().split('\n').pop()!;
    expect(summary).toMatch(/: FAIL$/);
    for (const id of ['rate-limit', 'method-allow-list', 'security-headers', 'body-limit', 'slow-client', 'server-disclosure', 'forwarded-for-spoofing'])
      expect(summary).toContain(id);
    expect(r.stdout).toMatch(/rate-limit +│ FAILS +│ no 429 in 300 requests/);
    expect(r.stdout).toMatch(/method-allow-list +│ FAILS +│ DELETE -> 501 without Allow/);
  });

  test('JSON: holds false and a verdict per probe; JUnit: well-formed XML (parsed by Python) with a failure per failed probe', async () => {
    const json = await verify(`http://127.0.0.1:${python.port}/`, '--format', 'json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ holds: false, bounds: { maxRequests: 400, timeLimitS: 62 } });
    expect(report.requests).toBeLessThanOrEqual(400);
    const failed = report.probes.filter((p: any) => p.outcome === 'fails').map((p: any) => p.id);
    expect(failed).toEqual(expect.arrayContaining(['rate-limit', 'method-allow-list', 'security-headers']));
    expect(json.stderr).toMatch(/^secure-ecs verify http:\/\/127\.0\.0\.1:\d+\/: \d+ of 11 probes fail: .*: FAIL\n$/);

    const file = path.join(scratch, 'verify.xml');
    const junit = await verify(`http://127.0.0.1:${python.port}/`, '--format', 'junit', '--output', file);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toBe('');
    const parsed = spawnSync(
      'python3',
      [
        '-c',
        'import sys, xml.etree.ElementTree as E; s = E.parse(sys.argv[1]).getroot()[0]; print(s.get("failures"), len(s.findall("testcase/failure")), len(s.findall("testcase/skipped")))',
        file,
      ],
      { encoding: 'utf8' },
    );
    expect(parsed.stderr).toBe('');
    expect(parsed.stdout.trim()).toBe(`${failed.length} ${failed.length} 4`);
  });
});

describe('bad input: exit 2 with one line', () => {
  test.each([
    [['ftp://example.com/'], /the URL must be http or https; received a "ftp:" URL/],
    [['not a url'], /the URL cannot be parsed/],
    [[''], /the URL is empty/],
    [['http://127.0.0.1/', '--bogus'], /unknown option '--bogus'/],
    [['http://127.0.0.1/', '--format', 'sarif'], /argument 'sarif' is invalid/],
    [['http://127.0.0.1/', '--forwarded-for', '1.2.3'], /--forwarded-for must be an IPv4 or IPv6 address; received "1.2.3"/],
    [['http://127.0.0.1/', '--http-port', '0'], /--http-port must be a whole number from 1 to 65535; received "0"/],
    [['http://127.0.0.1/', '--allow-method', 'TRACE'], /--allow-method must be one of PUT, DELETE, OPTIONS, PATCH, .* \(app\.methods\); received "TRACE"/],
    [['http://%zz:pw@127.0.0.1/'], /the user-info of the URL is not valid percent-encoding/],
  ])('%j', async (args, message) => {
    expectUsageError(await runCli(cli, ['verify', ...args]), message);
  });
});

describe('untrusted input is data', () => {
  test('credentials in the URL (user-info, query values) appear in no format; the shown URL masks them', async () => {
    const url = `http://admin:hunter2-secret@127.0.0.1:${python.port}/?token=tok-secret&page=2`;
    for (const format of ['table', 'json', 'junit']) {
      const r = await verify(url, '--format', format);
      const all = r.stdout + r.stderr;
      expect([format, /hunter2|tok-secret|admin|page=2/.test(all)]).toEqual([format, false]);
      expect(all).toContain(`http://127.0.0.1:${python.port}/?token=***&page=***`);
    }
  });

  test("control characters in the server's answers are escaped in every format", async () => {
    // Node's parser refuses C0 characters in a header (HPE_INVALID_HEADER_TOKEN) but passes bytes
    // 0x80-0xff (obs-text, RFC 9110 section 5.5), read as Latin-1: 0x9b is CSI, the 8-bit escape
    // sequence start, and e2 80 ae is U+202E (a bidi override) in UTF-8.
    const hostile = await startRaw('HTTP/1.1 200 OK\r\nServer: evil/1.0\x9b2J\xe2\x80\xae\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    try {
      for (const format of ['table', 'json', 'junit']) {
        const r = await verify(`http://127.0.0.1:${hostile.port}/`, '--format', format);
        expect(r.code).toBe(1);
        const all = r.stdout + r.stderr;
        expect(all).toContain('server-disclosure');
        // eslint-disable-next-line no-control-regex -- the characters that must not get through
        expect([format, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/.test(all)]).toEqual([format, false]);
        expect(all).toMatch(/evil\/1\.0(\\x9b|\\u009b)2J/);
      }
    } finally {
      await hostile.close();
    }
  });
});

test('--help states the probes, the bounds and the exit codes', async () => {
  const r = await runCli(cli, ['verify', '--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('rate-limit: Up to 300 GETs');
  expect(r.stdout).toContain('at most 400 requests');
  expect(r.stdout).toContain('Exit status: 0 when every probe holds, 1 when one fails (named in the report), 2 for bad input.');
  expect(readFileSync(cli, 'utf8')).toContain('registerVerifyCommand');
});
