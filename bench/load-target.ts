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
 * stand-in database's, where Docker isolates the task) or under rootless podman (slirp4netns) has
 * none the host reaches, and the load then goes to the published port, which the report says.
 */
import { setTimeout as sleep } from 'node:timers/promises';
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

/**
 * Addresses the bench may load: loopback and the private ranges engines give their networks (RFC
 * 1918), so a mistaken target never sends load off the machine.
 */
export function isLocalLoadHost(host: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  if (m.slice(1).some((o) => Number(o) > 255)) return false;
  return host === '127.0.0.1' || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/**
 * The target for a started task: its address and the proxy's container port when the engine gives
 * one in the local ranges and a GET there is answered within `timeoutMs` (tried every 250 ms: a task
 * without health checks counts as started before nginx listens), else the published port.
 */
export async function chooseLoadTarget(o: {
  address: string | undefined;
  containerPort: number | undefined;
  publishedPort: number;
  timeoutMs?: number;
  answers?: (host: string, port: number, timeoutMs: number) => Promise<boolean>;
}): Promise<LoadTarget> {
  const published = (why: string): LoadTarget => ({ host: '127.0.0.1', port: o.publishedPort, via: 'published port', why });
  if (o.address === undefined) return published('the engine gives the task no address on its network');
  if (o.containerPort === undefined) return published('the task publishes no container port');
  if (!isLocalLoadHost(o.address)) return published(`the task's address ${o.address} is not a private IPv4 address`);
  const answers = o.answers ?? (async (host: string, port: number, ms: number) => (await httpStatus(port, '/', ms, host)) !== 0);
  const deadline = Date.now() + (o.timeoutMs ?? 15_000);
  for (;;) {
    const left = deadline - Date.now();
    if (await answers(o.address, o.containerPort, Math.max(100, Math.min(2000, left)))) return { host: o.address, port: o.containerPort, via: 'task address' };
    if (Date.now() + 250 >= deadline) break;
    await sleep(250);
  }
  return published(`the task's address ${o.address}:${o.containerPort} did not answer from the host within ${Math.round((o.timeoutMs ?? 15_000) / 1000)} s`);
}
