import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { containerDefinitions, REPO_ROOT, synth } from './helpers/synth';

const CONTAINERS = path.join(REPO_ROOT, 'containers');
const RENDER = path.join(CONTAINERS, 'proxy', 'render-nginx-config');

/** The proxy environment exactly as the synthesized task definition sets it. */
const proxyEnvironment: Record<string, string> = Object.fromEntries(
  containerDefinitions(synth().template).proxy.Environment.map((e: { Name: string; Value: string }) => [e.Name, e.Value]),
);

// Rendering, nginx -t, php -l and shellcheck run in the images themselves: test/e2e/container-configs.e2e.ts.
test('every variable the task definition sets is one the proxy reads', () => {
  const script = readFileSync(RENDER, 'utf8');
  for (const name of Object.keys(proxyEnvironment)) expect(script).toContain(name);
});

test('every variable the task definition may set for the app is one the app image reads', () => {
  const env = containerDefinitions(synth({ app: { port: 9100, writablePaths: [{ path: '/var/lib/app', sizeMiB: 8 }] } }).template).app.Environment;
  const appFiles = ['php/hardening.ini', 'php/pool.conf', 'healthcheck'].map((f) => readFileSync(path.join(CONTAINERS, 'app', f), 'utf8')).join('\n');
  expect(env.map((e: { Name: string }) => e.Name).sort()).toEqual(['APP_OPEN_BASEDIR', 'APP_PORT']);
  for (const { Name } of env) expect(appFiles).toContain(`\${${Name}:-`);
});
