/**
 * Where the bench sends its load: the task's own address on the engine's network and the proxy's
 * container port, as an ALB reaches an awsvpc task (its target is the task's ENI address), and not
 * the port `local up` publishes on 127.0.0.1, whose path an ECS host does not have.
 *
 * Measured on this 2-core machine (the template task with its rate limit raised, open loop at 3000
 * req/s, 20 s, alternating, 3 rounds): on Docker 20.10 the published port is served by docker-proxy,
 * a userland copy of every byte in the daemon's child process, and p99 was 108-345 ms against 27-33 ms
 * at the task's address, with the machine 13-15 % idle against 22-34 %; on rootful podman 4.3 the
 * published port is iptables DNAT with masquerading (no userland copy), and p99 was 25 ms against
 * 7-10 ms. Either way the engine's forwarding shares the cores with the task under test.
 *
 * The task's address is used when it answers from the host; a task on an internal network (the
 * stand-in database's, where Docker isolates the task), under a rootless engine or on a remote one
 * has none the host reaches, and the load then goes to the published port, which the report says.
 */
import * as os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { inIpv4Block, parseIpv4Cidr } from '../lib/config/ipv4-cidr';
import { f } from './format';
import { httpStatus } from './http-status';

export interface LoadTarget {
  readonly host: string;
  readonly port: number;
  readonly via: 'task address' | 'published port';
  /** Why the published port, when it is. */
  readonly why?: string;
}

/** A run's record: the first task's target and how many tasks took each path. */
export interface LoadTargetRecord {
  readonly first: LoadTarget & { readonly task: string };
  readonly tasks: Partial<Record<LoadTarget['via'], number>>;
}

export const targetUrl = (t: LoadTarget): string => `http://${t.host}:${t.port}/`;

/** An IPv4 address as a 32-bit number, or undefined when `host` is not one (the configuration's parser). */
const ipv4 = (host: string): number | undefined => parseIpv4Cidr(`${host}/32`)?.address;

/**
 * Addresses the bench may load: loopback and the private ranges engines give their networks (RFC
 * 1918). wrk's guard (bench/wrk.ts); chooseLoadTarget also requires a subnet of this host's own.
 */
export function isLocalLoadHost(host: string): boolean {
  const n = ipv4(host);
  if (n === undefined) return false;
  const [a, b] = [Math.floor(n / 2 ** 24), Math.floor(n / 2 ** 16) % 256];
  return host === '127.0.0.1' || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/**
 * Whether `host` lies in the subnet of one of this machine's IPv4 interfaces (the engine's bridge:
 * docker0, podman's), so packets to it stay on a link of this host and never follow the default
 * route off the machine (a remote engine's or another LAN's private address).
 */
export function onLocalSubnet(host: string, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): boolean {
  const n = ipv4(host);
  if (n === undefined) return false;
  return Object.values(interfaces).some((list) =>
    (list ?? []).some((i) => {
      const block = i.family === 'IPv4' && i.cidr ? parseIpv4Cidr(i.cidr) : undefined;
      return block !== undefined && block.prefix >= 1 && inIpv4Block(n, block);
    }),
  );
}

/**
 * The target for a started task: its address and the proxy's container port when the engine gives
 * one, in the local ranges and on a subnet of this host, where a GET answers within `timeoutMs`
 * (tried every 250 ms: a task without health checks counts as started before nginx listens); else
 * the published port. `unreachable` short-cuts the wait where the host cannot reach the task's
 * network at all (a rootless or remote engine, an internal network).
 */
export async function chooseLoadTarget(o: {
  address: string | undefined;
  containerPort: number | undefined;
  publishedPort: number;
  unreachable?: string;
  timeoutMs?: number;
  answers?: (host: string, port: number, timeoutMs: number) => Promise<boolean>;
  onSubnet?: (host: string) => boolean;
}): Promise<LoadTarget> {
  const published = (why: string): LoadTarget => ({ host: '127.0.0.1', port: o.publishedPort, via: 'published port', why });
  if (o.unreachable !== undefined) return published(o.unreachable);
  if (o.address === undefined) return published('the engine gives the task no address on its network');
  if (o.containerPort === undefined) return published('the task publishes no container port');
  if (!isLocalLoadHost(o.address)) return published(`the task's address ${o.address} is not a private IPv4 address`);
  if (!(o.onSubnet ?? onLocalSubnet)(o.address)) return published(`the task's address ${o.address} is on no subnet of this host's interfaces`);
  const answers = o.answers ?? (async (host: string, port: number, ms: number) => (await httpStatus(port, '/', ms, host)) !== 0);
  const timeoutMs = o.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (await answers(o.address, o.containerPort, Math.max(100, Math.min(2000, left)))) return { host: o.address, port: o.containerPort, via: 'task address' };
    if (Date.now() + 250 >= deadline) break;
    await sleep(250);
  }
  return published(`the task's address ${o.address}:${o.containerPort} did not answer from the host within ${f(timeoutMs / 1000, 1)} s`);
}
