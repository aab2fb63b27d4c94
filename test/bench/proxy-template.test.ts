import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { templateReturning200, templateWithUnbufferedAccessLog, templateWithoutFeatures } from '../../bench/proxy-template';

const real = readFileSync(path.join(__dirname, '..', '..', 'containers', 'proxy', 'nginx.conf.template'), 'utf8');

test('templateReturning200 replaces only the public location try_files', () => {
  const t = 'location = /healthz {\n ${APP_PASS}\n}\nlocation / {\n limit_req zone=x;\n try_files ${TRY_FILES} @app;\n}\nlocation @app {\n ${APP_PASS}\n}';
  const out = templateReturning200(t);
  expect(out).toContain('location = /healthz {\n ${APP_PASS}');
  expect(out).toContain('location @app {\n ${APP_PASS}');
  expect(out).toContain('limit_req zone=x;\n default_type text/plain;');
  expect(out).toContain('return 200 "ok\\n";');
  expect(() => templateReturning200('location / { return 404; }')).toThrow('update templateReturning200');
});

test('both transforms find their lines in the real proxy template', () => {
  expect(templateReturning200(real)).toContain('return 200 "ok\\n";');
  const off = templateWithoutFeatures(real);
  for (const r of off.removed) expect(r.lines.length).toBeGreaterThan(0);
  expect(off.text).not.toMatch(/^\s*limit_req\s/m);
  expect(() => templateWithoutFeatures('server {}')).toThrow('update PROXY_FEATURES');
});

test('templateWithUnbufferedAccessLog drops only buffer= and flush= from the buffered access_log line', () => {
  const t = 'http {\n    access_log /dev/stdout access_json buffer=32k flush=1s;\n    location = /healthz {\n        access_log off;\n    }\n}';
  expect(templateWithUnbufferedAccessLog(t)).toBe(t.replace(' buffer=32k flush=1s', ''));
  const out = templateWithUnbufferedAccessLog(real);
  expect(out).toMatch(/^\s*access_log \/dev\/stdout access_json;$/m);
  expect(out).not.toMatch(/buffer=|flush=/);
  // Nothing else of the real template changes.
  expect(out.split('\n').filter((l, i) => l !== real.split('\n')[i])).toHaveLength(1);
  expect(() => templateWithUnbufferedAccessLog(out)).toThrow('update templateWithUnbufferedAccessLog');
});
