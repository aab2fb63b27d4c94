/**
 * The php-fpm floor's client (bench/fastcgi-load.ts) against a FastCGI responder on loopback TCP and on
 * a unix socket, the two transports a template's php-fpm may listen on, and the floor's choice of
 * target from the proxy's APP_FASTCGI_ADDRESS (bench/sections/floors.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TYPE, parseRecords } from '../../bench/fastcgi';
import { fastcgiLoad, type FastcgiEndpoint } from '../../bench/fastcgi-load';
import { fastcgiAddressOf } from '../../bench/fastcgi-levers';
import { phpFpmFloorTarget } from '../../bench/sections/floors';

/** One FastCGI record: version 1, the type, the request id, the content (no padding). */
const record = (type: number, id: number, content: Buffer) => {
  const h = Buffer.alloc(8);
  h.writeUInt8(1, 0);
  h.writeUInt8(type, 1);
  h.writeUInt16BE(id, 2);
  h.writeUInt16BE(content.length, 4);
  return Buffer.concat([h, content]);
};

/**
 * A responder answering every request (its empty STDIN record) with 200, on kept connections; counts
 * the requests of each connection it answered. With `closeAfter`, it closes a connection after that
 * many answers, as php-fpm does when a worker reaches pm.max_requests, `lingerMs` later (the worker
 * exiting), reading no request in between.
 */
function responder(closeAfter?: number, lingerMs = 0): { server: net.Server; connections: () => number; perConnection: number[] } {
  const perConnection: number[] = [];
  const server = net.createServer((sock) => {
    const connection = perConnection.push(0) - 1;
    let buf: Buffer = Buffer.alloc(0);
    sock.on('data', (d) => {
      const { records, rest } = parseRecords(Buffer.concat([buf, d]));
      buf = rest;
      for (const r of records) {
        if (r.type !== TYPE.STDIN || r.content.length > 0 || perConnection[connection] === closeAfter) continue;
        perConnection[connection]++;
        const end = Buffer.alloc(8); // appStatus 0, FCGI_REQUEST_COMPLETE
        sock.write(
          Buffer.concat([record(TYPE.STDOUT, 1, Buffer.from('Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nok')), record(TYPE.END_REQUEST, 1, end)]),
        );
        if (perConnection[connection] === closeAfter) setTimeout(() => sock.end(), lingerMs);
      }
    });
    sock.on('error', () => undefined);
  });
  return { server, connections: () => perConnection.length, perConnection };
}

const listen = (server: net.Server, at: { port: number; host: string } | { path: string }) =>
  new Promise<void>((resolve) => server.listen(at, () => resolve()));

describe.each(['tcp', 'unix'] as const)('the floor client over %s', (transport) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fcgi-load-'));
  const r = responder();
  let endpoint: FastcgiEndpoint;

  beforeAll(async () => {
    if (transport === 'unix') {
      endpoint = { path: path.join(dir, 'php-fpm.sock') };
      await listen(r.server, endpoint);
    } else {
      await listen(r.server, { port: 0, host: '127.0.0.1' });
      endpoint = { host: '127.0.0.1', port: (r.server.address() as net.AddressInfo).port };
    }
  });
  afterAll(() => {
    r.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // No rate is asserted: a busy machine (CI runs the suites two at a time) once served 17 requests in
  // the half second, and once only 1 on one of the 3 connections. What is checked is the shape: 3
  // connections and no more (no connection per request), kept open (more requests than connections,
  // none reconnected), and the client counting exactly the requests the responder answered (it sends no
  // new one once the time is up and waits for the one in flight), every one a 200.
  test('sends requests back to back over kept-open connections and counts the 200s', async () => {
    const result = await fastcgiLoad({ endpoint, connections: 3, durationS: 0.5 });
    expect(r.connections()).toBe(3);
    for (const n of r.perConnection) expect(n).toBeGreaterThanOrEqual(1);
    expect(result.requests).toBeGreaterThan(3);
    expect(result.reconnects).toBe(0);
    expect(result.requests).toBe(r.perConnection.reduce((a, b) => a + b, 0));
    expect(result.ok).toBe(result.requests);
    expect(result.errors).toBe(0);
  });

  // Open loop: exactly rate x duration requests, spread over the duration (a closed loop would send
  // thousands in the same time), whatever the responder's speed.
  test('with a rate, sends exactly rate x duration requests, paced over the duration', async () => {
    const before = r.perConnection.reduce((a, b) => a + b, 0);
    const result = await fastcgiLoad({ endpoint, connections: 3, durationS: 0.5, ratePerS: 200 });
    expect(result.requests).toBe(100);
    expect(result.ok).toBe(100);
    expect(r.perConnection.reduce((a, b) => a + b, 0) - before).toBe(100);
    expect(result.durationS).toBeGreaterThanOrEqual(0.49);
    expect(result.ratePerS).toBe(200);
  });
});

describe.each([
  [undefined, 0],
  [120, 0],
  [undefined, 30],
  [120, 30],
] as const)('a server that closes each connection after 4 answers (pm.max_requests), rate %s, %s ms after the last', (ratePerS, lingerMs) => {
  const r = responder(4, lingerMs);
  let endpoint: FastcgiEndpoint;
  beforeAll(async () => {
    await listen(r.server, { port: 0, host: '127.0.0.1' });
    endpoint = { host: '127.0.0.1', port: (r.server.address() as net.AddressInfo).port };
  });
  afterAll(() => r.server.close());

  // The close comes right after an answer (at once, or while the worker exits). A request the client
  // sent on it before it saw the close gets no answer: the client sends it again on a new connection,
  // as nginx does on a cached connection, and loses none. An open loop also sends every slot.
  test('reconnects, sends again what the close left unanswered, and keeps counting', async () => {
    // The closed loop runs a full second: a starved CI worker once got 1 request through a connection
    // in half a second, and this one needs more than 4 on a connection to see a close.
    const result = await fastcgiLoad({ endpoint, connections: 2, durationS: ratePerS ? 0.5 : 1, ratePerS });
    expect(result.reconnects).toBeGreaterThan(0);
    expect(result.errors).toBe(0);
    expect(result.ok).toBe(result.requests);
    expect(result.requests).toBe(r.perConnection.reduce((a, b) => a + b, 0));
    // Lingering, the closed loop's next request, or the open loop's next slot, always meets the close.
    if (lingerMs) expect(result.resent).toBeGreaterThan(0);
    if (ratePerS) expect(result.requests).toBe(60);
  });
});

// php-fpm not serving: nothing listening, or a listener that closes each connection unanswered. The
// client stops each connection at its first such close instead of reconnecting in a tight loop until
// the bench's deadline, and answers 0 requests, which the floor reports as a failure.
describe.each([
  ['nothing listening', false],
  ['a listener that closes each connection at once', true],
] as const)('%s', (_what, listening) => {
  let endpoint: FastcgiEndpoint;
  let accepted = 0;
  const server = net.createServer((sock) => {
    accepted++;
    sock.destroy();
  });
  beforeAll(async () => {
    await listen(server, { port: 0, host: '127.0.0.1' });
    endpoint = { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port };
    if (!listening) await new Promise((resolve) => server.close(resolve));
  });
  afterAll(() => server.close());

  test.each([undefined, 100])('rate %s: the run ends at once with no request answered', async (ratePerS) => {
    const before = accepted;
    const t0 = performance.now();
    const result = await fastcgiLoad({ endpoint, connections: 2, durationS: 3, ratePerS });
    expect(performance.now() - t0).toBeLessThan(2500);
    expect(result.requests).toBe(0);
    // An open loop's connection closed while it waits for its first slot reconnects once, when the slot comes.
    expect(result.reconnects).toBeLessThanOrEqual(ratePerS ? 2 : 0);
    expect(accepted - before).toBeLessThanOrEqual(listening ? 4 : 0);
  });
});

test("the floor's target follows the proxy's FastCGI address: the socket through the app's root, or the TCP port", () => {
  expect(phpFpmFloorTarget('unix:/run/fcgi/php-fpm.sock', 4242)).toEqual(['--socket', '/proc/4242/root/run/fcgi/php-fpm.sock']);
  expect(phpFpmFloorTarget('127.0.0.1:9100', 4242)).toEqual(['--port', '9100']);
  expect(phpFpmFloorTarget(fastcgiAddressOf({}), 4242)).toEqual(['--port', '9000']); // the renderer's default
  expect(() => phpFpmFloorTarget('127.0.0.1:http', 1)).toThrow(/APP_FASTCGI_ADDRESS is "127.0.0.1:http"; expected unix:<path> or <host>:<port>/);
});
