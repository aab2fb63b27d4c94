/**
 * The load client's exemption from the rate limit: the bench raises the burst with the rate (nginx
 * counts the requests of one millisecond against the burst, bench/context.ts EXEMPT_BURST), the
 * renderer accepts both values, and the report says so for runs that recorded it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXEMPT_BURST, EXEMPT_ENV, EXEMPT_RATE } from '../../bench/context';
import { renderReport } from '../../bench/report';
import type { Results } from '../../bench/results';

const ROOT = path.resolve(__dirname, '..', '..');
const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'results-full.json'), 'utf8')) as Results;

test('every measured variant gets the raised rate and the raised burst', () => {
  expect(EXEMPT_ENV).toMatchObject({ RATE_LIMIT_PER_SECOND: { value: EXEMPT_RATE }, RATE_LIMIT_BURST: { value: EXEMPT_BURST } });
});

test('the proxy renderer accepts the raised values and writes them into limit_req', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'exempt-client-'));
  try {
    execFileSync(
      'sh',
      [
        path.join(ROOT, 'containers', 'proxy', 'render-nginx-config'),
        path.join(ROOT, 'containers', 'proxy', 'nginx.conf.template'),
        path.join(dir, 'nginx.conf'),
      ],
      {
        env: {
          PATH: process.env.PATH,
          NGINX_RUNTIME_DIR: dir,
          TRUSTED_PROXY_CIDRS: '10.0.0.0/26',
          RATE_LIMIT_PER_SECOND: EXEMPT_RATE,
          RATE_LIMIT_BURST: EXEMPT_BURST,
        },
        stdio: 'pipe',
      },
    );
    const conf = readFileSync(path.join(dir, 'nginx.conf'), 'utf8');
    expect(conf).toContain(`rate=${EXEMPT_RATE}r/s`);
    expect(conf).toContain(`limit_req zone=per_client burst=${EXEMPT_BURST} nodelay;`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the report names the raised burst when the run recorded it, and only then', () => {
  const withBurst = renderReport({ ...fixture, config: { ...fixture.config, exemptBurst: EXEMPT_BURST } }).markdown;
  expect(withBurst).toContain(`\`RATE_LIMIT_PER_SECOND=${EXEMPT_RATE}\` and \`RATE_LIMIT_BURST=${EXEMPT_BURST}\``);
  expect(renderReport(fixture).markdown).not.toContain('RATE_LIMIT_BURST=100000');
});
