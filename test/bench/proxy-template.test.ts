import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { templateReturning200, templateWithoutFeatures } from '../../bench/proxy-template';

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
