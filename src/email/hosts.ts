import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses a user-given host must not lead to (SSRF): loopback, private, link-local, CGNAT. */
const internal = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const)
  internal.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  internal.addSubnet(net, bits, 'ipv6');

export function isInternalAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 0) return false;
  if (v === 6 && ip.toLowerCase().startsWith('::ffff:')) return internal.check(ip.slice(7), 'ipv4');
  return internal.check(ip, v === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Whether a host name or address is (or resolves to) an internal address. A name that does not
 * resolve is not internal: connecting to it fails later with the resolver's own words.
 */
export async function isInternalHost(host: string): Promise<boolean> {
  const h = host.replace(/^\[|\]$/g, '');
  if (isIP(h)) return isInternalAddress(h);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  try {
    const all = await lookup(h, { all: true });
    return all.some((a) => isInternalAddress(a.address));
  } catch {
    return false;
  }
}
