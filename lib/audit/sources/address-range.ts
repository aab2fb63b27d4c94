/**
 * Whether a CIDR is the whole address space of its family, by parsing it (node:net) rather than
 * comparing strings: `0000:0000:0000:0000:0000:0000:0000:0000/0`, `::/0` and `0::0/0` are the same
 * range, which checkov's CKV_AWS_24 lists by spelling.
 */
import { isIPv4, isIPv6 } from 'node:net';

export function wholeAddressSpace(cidr: unknown): 'IPv4' | 'IPv6' | undefined {
  if (typeof cidr !== 'string') return undefined;
  const match = /^\s*([^/\s]+)\/(\d{1,3})\s*$/.exec(cidr);
  if (!match || Number(match[2]) !== 0) return undefined;
  if (isIPv4(match[1])) return 'IPv4';
  if (isIPv6(match[1])) return 'IPv6';
  return undefined;
}
