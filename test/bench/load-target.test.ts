import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { chooseLoadTarget, isLocalLoadHost, onLocalSubnet, targetUrl } from '../../bench/load-target';

/** The interfaces of a host with Docker's and podman's bridges up (os.networkInterfaces()'s shape). */
const iface = (address: string, cidr: string) => ({ address, cidr, family: 'IPv4' as const, netmask: '', mac: '', internal: false });
const HOST = { lo: [iface('127.0.0.1', '127.0.0.1/8')], docker0: [iface('172.17.0.1', '172.17.0.1/16')], podman0: [iface('10.88.0.1', '10.88.0.1/16')] };
const onHost = (host: string) => onLocalSubnet(host, HOST);

test('the bench loads loopback and the private ranges engines give their networks, nothing else', () => {
  for (const host of ['127.0.0.1', '10.88.3.171', '172.17.0.2', '172.31.255.1', '192.168.1.9']) expect(isLocalLoadHost(host)).toBe(true);
  for (const host of ['8.8.8.8', '172.32.0.1', '172.15.0.1', '192.169.0.1', '10.0.0.256', 'localhost', '::1', '', '10.0.0'])
    expect(isLocalLoadHost(host)).toBe(false);
});

test("only an address on a subnet of this host's own interfaces: never one the default route would carry off the machine", () => {
  for (const host of ['172.17.0.2', '172.17.255.254', '10.88.3.171', '127.0.0.1']) expect(onHost(host)).toBe(true);
  for (const host of ['172.18.0.2', '10.89.0.1', '192.168.1.9', 'x']) expect(onHost(host)).toBe(false);
  expect(onLocalSubnet('172.17.0.2', { docker0: [{ ...iface('172.17.0.1', '172.17.0.1/16'), family: 'IPv6' as any }] })).toBe(false);
});

test("a task that answers at its own address is loaded there, at the proxy's container port", async () => {
  const asked: string[] = [];
  const t = await chooseLoadTarget({
    address: '172.17.0.2',
    containerPort: 8080,
    publishedPort: 41234,
    onSubnet: onHost,
    answers: async (host, port) => {
      asked.push(`${host}:${port}`);
      return true;
    },
  });
  expect(t).toEqual({ host: '172.17.0.2', port: 8080, via: 'task address' });
  expect(asked).toEqual(['172.17.0.2:8080']);
  expect(targetUrl(t)).toBe('http://172.17.0.2:8080/');
});

test('a task whose proxy is not listening yet is asked again until the deadline', async () => {
  let asked = 0;
  const t = await chooseLoadTarget({
    address: '172.17.0.2',
    containerPort: 8080,
    publishedPort: 41234,
    onSubnet: onHost,
    answers: async () => ++asked >= 3,
    timeoutMs: 5000,
  });
  expect(t.via).toBe('task address');
  expect(asked).toBe(3);
});

test('otherwise the published port on 127.0.0.1, saying why', async () => {
  const never = async () => false;
  const always = async () => true;
  const base = { containerPort: 8080, publishedPort: 41234, onSubnet: onHost };
  const cases: [Parameters<typeof chooseLoadTarget>[0], string][] = [
    [
      { ...base, address: '172.17.0.2', unreachable: "a rootless engine's networks are inside its own namespace", answers: always },
      "a rootless engine's networks are inside its own namespace",
    ],
    [{ ...base, address: undefined, answers: always }, 'the engine gives the task no address on its network'],
    [{ ...base, address: '172.17.0.2', containerPort: undefined, answers: always }, 'the task publishes no container port'],
    [{ ...base, address: '8.8.8.8', answers: always }, "the task's address 8.8.8.8 is not a private IPv4 address"],
    [{ ...base, address: '192.168.1.9', answers: always }, "the task's address 192.168.1.9 is on no subnet of this host's interfaces"],
    [{ ...base, address: '10.88.0.7', answers: never, timeoutMs: 600 }, "the task's address 10.88.0.7:8080 did not answer from the host within 0.6 s"],
  ];
  for (const [o, why] of cases) expect(await chooseLoadTarget(o)).toEqual({ host: '127.0.0.1', port: 41234, via: 'published port', why });
});

describe('the reachability check is a real HTTP GET with a deadline', () => {
  const listening = (server: net.Server) =>
    new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

  test('an HTTP answer (any status) is an answer', async () => {
    const server = http.createServer((_req, res) => res.writeHead(404).end());
    const port = await listening(server);
    try {
      expect(await chooseLoadTarget({ address: '127.0.0.1', containerPort: port, publishedPort: 41234, timeoutMs: 2000 })).toEqual({
        host: '127.0.0.1',
        port,
        via: 'task address',
      });
    } finally {
      server.close();
    }
  });

  test('a port that accepts but never answers is not, and the deadline holds', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    const port = await listening(server);
    const began = Date.now();
    try {
      expect((await chooseLoadTarget({ address: '127.0.0.1', containerPort: port, publishedPort: 41234, timeoutMs: 800 })).via).toBe('published port');
      expect(Date.now() - began).toBeLessThan(5000);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  test('a closed port is not', async () => {
    expect((await chooseLoadTarget({ address: '127.0.0.1', containerPort: 9, publishedPort: 41234, timeoutMs: 500 })).via).toBe('published port');
  });
});
