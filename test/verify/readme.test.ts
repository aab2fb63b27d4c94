/** The README's "Verify a deployment" states the probes and the bounds the code has. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MAX_REQUESTS, REQUEST_DEADLINE_MS, TIME_MARGIN_S } from '../../lib/verify/budget';
import { PROBES } from '../../lib/verify/catalog';
import { MAX_SOCKETS } from '../../lib/verify/http-client';
import { FLOOD_REQUESTS, FLOOD_SECONDS } from '../../lib/verify/probes/rate-limit';
import { DEFAULT_SLOW_CLIENT_SECONDS } from '../../lib/verify/run-verify';

const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Verify a deployment'), readme.indexOf('## Project layout'));

test('the probe table lists every probe of the catalog, in report order', () => {
  const rows = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
  expect(rows).toEqual(PROBES.map((p) => p.id));
});

test('the stated bounds are the code', () => {
  expect(section).toContain(`at most ${MAX_REQUESTS} requests per run`);
  expect(section).toContain(`at most ${MAX_SOCKETS}\nconnections at once`);
  expect(section).toContain(`a ${REQUEST_DEADLINE_MS / 1000} s deadline on each request`);
  expect(section).toContain(`\`--slow-client-seconds\` + ${TIME_MARGIN_S} s`);
  expect(section).toContain(`Up to ${FLOOD_REQUESTS} GETs of the URL in at most ${FLOOD_SECONDS} s over ${MAX_SOCKETS} connections`);
  expect(section).toContain(`(default ${DEFAULT_SLOW_CLIENT_SECONDS}:`);
});
