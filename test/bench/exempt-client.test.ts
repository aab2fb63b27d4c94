/**
 * The load client's exemption from the rate limit: the bench raises the burst with the rate (nginx
 * counts the requests of one millisecond against the burst, bench/context.ts EXEMPT_BURST), the
 * renderer's bounds allow both values, and the report says so for runs that recorded it.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXEMPT_BURST, EXEMPT_ENV, EXEMPT_RATE } from '../../bench/context';
import { renderReport } from '../../bench/report';
import type { Results } from '../../bench/results';

const ROOT = path.resolve(__dirname, '..', '..');
const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'results-full.json'), 'utf8')) as Results;

test('every measured variant gets the raised rate and the raised burst', () => {
  expect(EXEMPT_ENV).toMatchObject({ RATE_LIMIT_PER_SECOND: { value: EXEMPT_RATE }, RATE_LIMIT_BURST: { value: EXEMPT_BURST } });
});

// The renderer runs in the proxy image, not on the host (it needs envsubst; rendering and nginx -t
// are test/e2e/container-configs.e2e.ts's), and every bench run renders these values for real
// (`npm run bench -- --quick` in .ci/run starts its tasks with EXEMPT_ENV). Here: its bounds allow them.
test("the proxy renderer's bounds allow the raised values, and the burst reaches limit_req", () => {
  const renderer = readFileSync(path.join(ROOT, 'containers', 'proxy', 'render-nginx-config'), 'utf8');
  const max = (name: string) => Number(new RegExp(`^check_int ${name} "\\$${name}" \\d+ (\\d+)$`, 'm').exec(renderer)?.[1]);
  expect(max('RATE_LIMIT_PER_SECOND')).toBeGreaterThanOrEqual(Number(EXEMPT_RATE));
  expect(max('RATE_LIMIT_BURST')).toBeGreaterThanOrEqual(Number(EXEMPT_BURST));
  expect(renderer).toContain('LIMIT_REQ_BURST=" burst=$RATE_LIMIT_BURST nodelay"');
});

test('the report names the raised burst when the run recorded it, and only then', () => {
  const withBurst = renderReport({ ...fixture, config: { ...fixture.config, exemptBurst: EXEMPT_BURST } }).markdown;
  expect(withBurst).toContain(`\`RATE_LIMIT_PER_SECOND=${EXEMPT_RATE}\` and \`RATE_LIMIT_BURST=${EXEMPT_BURST}\``);
  expect(renderReport(fixture).markdown).not.toContain('RATE_LIMIT_BURST=100000');
});
