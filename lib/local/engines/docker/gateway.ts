/**
 * The address the task sees the host's connections to a published port come from: the Docker
 * bridge network's gateway (docker-proxy serves the published port and connects from there).
 */
import type Docker from 'dockerode';
import { LocalStepError } from '../../errors';

/**
 * The IPv4 gateway of a Docker network: its IPAM Gateway, else the subnet's first host address, which
 * is what Docker gives the bridge when none is configured (the default bridge often lists no Gateway).
 */
export function bridgeGateway(config: { Subnet?: string; Gateway?: string }[]): string | undefined {
  const v4 = config.filter((c) => c.Subnet && !c.Subnet.includes(':'));
  const explicit = v4.find((c) => c.Gateway)?.Gateway;
  if (explicit) return explicit;
  const subnet = v4[0]?.Subnet;
  if (!subnet) return undefined;
  const [addr, bits] = subnet.split('/');
  const n = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  const first = ((n & mask) >>> 0) + 1;
  return [24, 16, 8, 0].map((s) => (first >>> s) & 255).join('.');
}

export async function bridgeGatewayAddress(docker: Docker): Promise<string> {
  // A port published on 127.0.0.1 is served by docker-proxy, which connects to the container from
  // the bridge network's gateway: that is the only peer nginx sees.
  const net = await docker.getNetwork('bridge').inspect();
  const gateway = bridgeGateway(net.IPAM?.Config ?? []);
  if (!gateway)
    throw new LocalStepError('detect the network gateway', `Docker network "bridge" has no IPv4 gateway or subnet (${JSON.stringify(net.IPAM?.Config ?? [])})`);
  return gateway;
}
