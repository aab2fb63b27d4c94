/**
 * IPv4 CIDR blocks as the configuration accepts them: dotted decimal without leading zeros, and the
 * network address of the block. CDK's `IpAddresses.cidr` does not refuse host bits: it rounds the
 * address up to the next block boundary, so `10.0.0.5/16` would become a VPC `10.1.0.0/16` and move
 * the address plan (peering and VPN ranges) without a word. Such a value is refused here, with the
 * block to write instead.
 */

/** Dotted decimal, each octet 0-255 without leading zeros (`010.0.0.0` is ambiguous: octal or decimal). */
const CIDR = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\/(0|[1-9]\d?)$/;

export interface Ipv4Cidr {
  /** The address as a 32-bit unsigned number. */
  readonly address: number;
  /** The prefix length n of a.b.c.d/n. */
  readonly prefix: number;
}

/** Parse `a.b.c.d/n`, or undefined when it is not one (octet over 255, prefix over 32, leading zeros). */
export function parseIpv4Cidr(value: string): Ipv4Cidr | undefined {
  const m = CIDR.exec(value);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  return { address: octets.reduce((a, o) => a * 256 + o, 0), prefix };
}

function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

/** The network address of the block: the address with every host bit cleared. */
function networkAddressOf(cidr: Ipv4Cidr): number {
  const size = 2 ** (32 - cidr.prefix);
  return Math.floor(cidr.address / size) * size;
}

/** Whether `address` (a 32-bit number, as parsed) lies in the block `cidr` (whose host bits may be set: an interface's address). */
export function inIpv4Block(address: number, cidr: Ipv4Cidr): boolean {
  return networkAddressOf({ address, prefix: cidr.prefix }) === networkAddressOf(cidr);
}

/** `a.b.c.d/n` of a parsed block. */
function formatIpv4Cidr(cidr: Ipv4Cidr): string {
  return `${formatAddress(cidr.address)}/${cidr.prefix}`;
}

/**
 * What is wrong with `value` as a block of prefix length `min` to `max`, as the "expected …" part of
 * a configuration message, or undefined when it is fine.
 */
export function ipv4CidrProblem(value: string, min: number, max: number, why = ''): string | undefined {
  const range = `an IPv4 CIDR block a.b.c.d/n with n from ${min} to ${max}${why}`;
  const cidr = parseIpv4Cidr(value);
  if (!cidr) return `${range} (decimal octets from 0 to 255 without leading zeros)`;
  if (cidr.prefix < min || cidr.prefix > max) return range;
  const network = networkAddressOf(cidr);
  if (network !== cidr.address) {
    return `the block's network address, without host bits: use "${formatIpv4Cidr({ address: network, prefix: cidr.prefix })}"`;
  }
  return undefined;
}
