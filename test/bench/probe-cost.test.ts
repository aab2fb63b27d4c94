import { healthArgv } from '../../bench/probe-cost';

test('a health check runs as Docker runs it: CMD as is, CMD-SHELL through /bin/sh -c', () => {
  expect(healthArgv(['CMD', '/usr/local/bin/healthcheck', '-q'])).toEqual(['/usr/local/bin/healthcheck', '-q']);
  expect(healthArgv(['CMD-SHELL', 'curl -f localhost || exit 1'])).toEqual(['/bin/sh', '-c', 'curl -f localhost || exit 1']);
  expect(() => healthArgv(['NONE'])).toThrow('not CMD or CMD-SHELL');
});
