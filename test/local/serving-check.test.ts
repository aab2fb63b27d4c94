import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildCli, runCli } from '../audit/helpers/cli';
import { loadBalancerHealthCheckPath, ServingWatch } from '../../lib/local/runner/serving-check';
import { synth } from '../helpers/synth';

describe('the ALB stand-in health check path, read from the template', () => {
  test("the default stack's target group: /healthz", () => {
    expect(loadBalancerHealthCheckPath(synth().template.toJSON())).toBe('/healthz');
  });

  test('app.healthCheckPath flows into it', () => {
    expect(loadBalancerHealthCheckPath(synth({ app: { healthCheckPath: '/.web/' } }).template.toJSON())).toBe('/.web/');
  });

  test("an ip target group without a path gets the ALB's default /; no target group, no check", () => {
    const group = (Properties: object) => ({ Resources: { G: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties } } });
    expect(loadBalancerHealthCheckPath(group({ TargetType: 'ip' }))).toBe('/');
    expect(loadBalancerHealthCheckPath(group({ TargetType: 'instance', HealthCheckPath: '/x' }))).toBeUndefined();
    expect(loadBalancerHealthCheckPath({ Resources: {} })).toBeUndefined();
  });
});

describe('ServingWatch: the first 200 on the path through a real listening socket', () => {
  let server: http.Server;
  let port: number;
  let answer = 503;
  const seen: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.url} ${req.headers['user-agent']}`);
      res.writeHead(answer).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('a 503 is not serving; the first 200 is, and it is reported once with its time', async () => {
    const served: number[] = [];
    const watch = new ServingWatch(port, '/healthz', (at) => served.push(at));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(watch.servedAt).toBeUndefined();
    const switchedAt = Date.now();
    answer = 200;
    await watch.done;
    expect(served).toEqual([watch.servedAt]);
    expect(watch.servedAt!).toBeGreaterThanOrEqual(switchedAt);
    expect(seen[0]).toBe('/healthz secure-ecs-local-alb-standin');
  });

  test('stop() ends a watch that never sees 200 (nothing listens), without reporting', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const served: number[] = [];
    const watch = new ServingWatch(freePort, '/healthz', (at) => served.push(at));
    setTimeout(() => watch.stop(), 400);
    await watch.done;
    expect([watch.servedAt, served]).toEqual([undefined, []]);
  });

  test('no load balancer in the template: nothing is watched', async () => {
    const watch = new ServingWatch(port, undefined, () => undefined);
    await watch.done;
    expect(watch.servedAt).toBeUndefined();
  });
});

describe('secure-ecs local up --wait', () => {
  test('a bad value exits 2 with one line, before any engine is reached', async () => {
    const r = await runCli(buildCli(), ['local', 'up', '--detach', '--wait', 'soon']);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr.trim().split('\n')).toEqual(['secure-ecs: --wait must be serving or healthy; received "soon"']);
  });
});
