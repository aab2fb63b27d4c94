import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { hostUserDataCommands, REPORT_SCRIPT } from '../lib/host/al2023-user-data';

/**
 * lib/host/secure-ecs-report.py run by the machine's python3 (the AMI runs it with its own python3;
 * only the standard library is used). No mocks: the signing function is the script's own.
 */

/** The report script as the user data writes it to the instance: comments stripped, between heredoc markers. */
function reportScriptAsShipped(): string {
  const commands = hostUserDataCommands({
    clusterName: 'cluster',
    taskPidsLimit: 256,
    containerStopTimeoutSeconds: 30,
    region: 'eu-west-1',
    stackName: 'Stack',
    signalResourceLogicalId: 'Asg',
    agentRegistrationTimeoutSeconds: 900,
  });
  const start = commands.indexOf("cat > /usr/local/sbin/secure-ecs-report <<'SECURE_ECS_REPORT'");
  const end = commands.indexOf('SECURE_ECS_REPORT');
  if (start < 0 || end !== start + 2) throw new Error('the user data no longer writes the report script as one heredoc');
  return `${commands[start + 1]}\n`;
}

let dir: string;
let shipped: string;
/** Bytecode goes to the temporary directory, never next to lib/host/. */
const python = (args: string[], options: { timeout?: number } = {}) =>
  spawnSync('python3', args, { encoding: 'utf8', env: { ...process.env, PYTHONPYCACHEPREFIX: dir }, ...options });
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'secure-ecs-report-'));
  shipped = path.join(dir, 'secure-ecs-report.py');
  writeFileSync(shipped, reportScriptAsShipped());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * AWS's Signature Version 4 test suite, case "get-vanilla": GET / on example.amazonaws.com, no
 * query, no body, signed with the suite's example credentials at 20150830T123600Z for us-east-1,
 * service "service" (aws-sig-v4-test-suite, get-vanilla.req/.authz; the same values are worked
 * through in https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
 */
const GET_VANILLA_SIGNATURE = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
const GET_VANILLA = `
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("report", sys.argv[1])
report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(report)
headers = report.sign("GET", "example.amazonaws.com", "us-east-1", "service", "", "20150830T123600Z",
                      "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", content_type=None)
print(json.dumps(headers))
`;

function signGetVanilla(script: string, session?: string): Record<string, string> {
  const code = session ? GET_VANILLA.replace('content_type=None)', `content_type=None, session=${JSON.stringify(session)})`) : GET_VANILLA;
  const result = python(['-c', code, script]);
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

describe.each([
  ['the script in the repository', () => REPORT_SCRIPT],
  ['the script as the user data ships it (comments stripped)', () => shipped],
])('%s', (_name, script) => {
  test('signs AWS\'s SigV4 "get-vanilla" test vector', () => {
    const headers = signGetVanilla(script());
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' + `SignedHeaders=host;x-amz-date, Signature=${GET_VANILLA_SIGNATURE}`,
    );
  });

  test('compiles (python3 -m py_compile)', () => {
    const result = python(['-m', 'py_compile', script()]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('refuses unknown commands with its usage and exit 2, before reading settings or IMDS', () => {
    const result = python([script(), 'signal', 'MAYBE', 'reason'], { timeout: 10_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: secure-ecs-report signal SUCCESS|FAILURE REASON | unhealthy REASON');
  });
});

test('a session token is signed as x-amz-security-token', () => {
  const headers = signGetVanilla(REPORT_SCRIPT, 'TOKEN');
  expect(headers['x-amz-security-token']).toBe('TOKEN');
  expect(headers.authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token, ');
  expect(headers.authorization).not.toContain(GET_VANILLA_SIGNATURE);
});

test('stripping removes the docstring and comments but keeps the shebang', () => {
  const text = readFileSync(shipped, 'utf8');
  expect(text.startsWith('#!/usr/bin/python3\n')).toBe(true);
  expect(text).not.toContain('"""Report this container instance');
  expect(text).not.toMatch(/^\s*# /m);
  expect(text.length).toBeLessThan(readFileSync(REPORT_SCRIPT, 'utf8').length);
});
