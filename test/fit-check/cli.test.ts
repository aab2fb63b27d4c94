import { buildCli, runCli } from '../audit/helpers/cli';

let cli: string;
beforeAll(() => {
  cli = buildCli();
});

describe('secure-ecs fit-check: bad input exits 2 with one line, before any engine is reached', () => {
  test.each([
    [['fit-check', 'img:1', '--port', '0'], /--port must be a TCP port from 1 to 65535; received "0"/],
    [['fit-check', 'img:1', '--port', '80x'], /--port must be a TCP port/],
    [['fit-check', 'img:1', '--path', 'index.html'], /--path must be a URL path/],
    [['fit-check', 'img:1', '--path', '/a b'], /--path must be a URL path/],
    [['fit-check', 'img:1', '--timeout', '0'], /--timeout must be a whole number of seconds from 1 to 3600/],
    [['fit-check', 'img:1', '--engine', 'lxc'], /--engine must be one of docker, podman; received "lxc"/],
    [['fit-check', 'img\u001b[2J'], /the image must be a reference/],
    [['fit-check'], /missing required argument 'image'/],
  ])('%j', async (args, message) => {
    const r = await runCli(cli, args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('\u001b');
  });

  test('--help documents the command, its options and exit status', async () => {
    const r = await runCli(cli, ['fit-check', '--help']);
    expect(r.code).toBe(0);
    for (const s of ['--port', '--path', '--engine', '--timeout', '--json', 'app.writablePaths', 'Exit status: 0']) expect(r.stdout).toContain(s);
  });
});
