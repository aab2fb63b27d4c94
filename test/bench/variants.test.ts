import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { composeTransforms, podWithoutCpuCap, templateReturning200, withConmonInPod, withHealthInterval } from '../../bench/variants';

const args = ['--name', 'x', '--health-cmd', 'CMD /h', '--health-interval', '30s', '--cgroupns', 'private', '--cgroups', 'no-conmon', 'img', 'cmd'];

test('withHealthInterval replaces only the interval', () => {
  const r = withHealthInterval(10)(args);
  expect(r.args).toEqual([
    '--name',
    'x',
    '--health-cmd',
    'CMD /h',
    '--cgroupns',
    'private',
    '--cgroups',
    'no-conmon',
    '--health-interval',
    '10s',
    'img',
    'cmd',
  ]);
  expect(r).toMatchObject({ removed: ['--health-interval 30s'], added: ['--health-interval 10s'] });
  expect(() => withHealthInterval(3)).toThrow('health-check interval: got 3; ECS allows whole seconds from 5 to 300');
});

test('withConmonInPod removes --cgroups no-conmon, and fails loudly once the translator stops emitting it', () => {
  expect(withConmonInPod(args).removed).toEqual(['--cgroups no-conmon']);
  expect(() => withConmonInPod(['img'])).toThrow('no longer emits --cgroups no-conmon');
});

test('composeTransforms applies in order and collects the changes', () => {
  const r = composeTransforms(withHealthInterval(10), withConmonInPod)(args);
  expect(r.removed).toEqual(['--health-interval 30s', '--cgroups no-conmon']);
  expect(r.args).not.toContain('no-conmon');
});

test('podWithoutCpuCap removes --cpus and keeps --memory', () => {
  expect(podWithoutCpuCap(['--name', 'p', '--cpus', '0.25', '--memory', '512m'])).toEqual({
    args: ['--name', 'p', '--memory', '512m'],
    removed: ['--cpus 0.25'],
  });
});

test('templateReturning200 replaces only the public location try_files', () => {
  const t = 'location = /healthz {\n ${APP_PASS}\n}\nlocation / {\n limit_req zone=x;\n try_files ${TRY_FILES} @app;\n}\nlocation @app {\n ${APP_PASS}\n}';
  const out = templateReturning200(t);
  expect(out).toContain('location = /healthz {\n ${APP_PASS}');
  expect(out).toContain('location @app {\n ${APP_PASS}');
  expect(out).toContain('limit_req zone=x;\n default_type text/plain;');
  expect(out).toContain('return 200 "ok\\n";');
  expect(() => templateReturning200('location / { return 404; }')).toThrow('update templateReturning200');
});

test('templateReturning200 finds its line in the real proxy template', () => {
  const template = readFileSync(path.join(__dirname, '..', '..', 'containers', 'proxy', 'nginx.conf.template'), 'utf8');
  expect(templateReturning200(template)).toContain('return 200 "ok\\n";');
});
