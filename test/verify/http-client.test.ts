/**
 * The verify client's bounds against real servers on 127.0.0.1 that misbehave: one that never
 * answers (the deadline), one that never stops answering (the body cap), and the budget that ends
 * every kind of request.
 */
import * as http from 'node:http';
import { Budget } from '../../lib/verify/budget';
import { HttpClient } from '../../lib/verify/http-client';
import { parseTarget } from '../../lib/verify/target';
import { type Running, startHttp } from './helpers/servers';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function clientFor(handler: http.RequestListener, budget = new Budget(10, 60_000)) {
  const server = await startHttp(handler);
  running.push(server);
  return new HttpClient({ target: parseTarget(`http://127.0.0.1:${server.port}/`), budget, requestDeadlineMs: 300 });
}

test('a server that never answers: the request fails at its deadline', async () => {
  const client = await clientFor(() => undefined);
  const began = Date.now();
  await expect(client.send({ path: '/' })).rejects.toThrow('no complete answer within 0.3 s');
  expect(Date.now() - began).toBeLessThan(2000);
  client.close();
});

test('a server that never stops sending: 16 KiB are kept and the answer ends there', async () => {
  const client = await clientFor((_req, res) => {
    res.writeHead(200);
    const chunk = Buffer.alloc(4096, 'x');
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  const a = await client.send({ path: '/' });
  expect([a.status, a.body.length]).toEqual([200, 16 * 1024]);
  client.close();
});

test('the budget ends requests, raw connections and handshakes alike', async () => {
  const client = await clientFor((_req, res) => res.end('ok'), new Budget(2, 60_000));
  expect((await client.send({ path: '/' })).status).toBe(200);
  expect((await client.holdOpen('GET / HTTP/1.1\r\nHost: x\r\n\r\n', 1000)).closed).toBe(false);
  expect(() => client.send({ path: '/' })).toThrow('the request budget (2) is spent');
  expect(() => client.holdOpen('', 10)).toThrow('the request budget (2) is spent');
  expect(() => client.handshake('TLSv1.2')).toThrow('the request budget (2) is spent');
  expect(client.requests).toBe(2);
  client.close();
});

test('the time budget: no request starts once it is spent', () => {
  let now = 0;
  const budget = new Budget(100, 1000, () => now);
  budget.take();
  now = 1000;
  expect(() => budget.take()).toThrow('the time budget (1 s) is spent');
  expect(budget.requests).toBe(1);
});
