import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { ProxyTrustSetting } from '../config.js';

/** Whether the address `hop` steps back from the server (0: the socket's peer) is a trusted proxy. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY as one trust function for Fastify and the collector alike. A hop count is built
 * here because Fastify 5.12 ignores a numeric trustProxy (it trusts nothing, since a client that
 * can reach the server directly can then forge the header); the README says to use it only when
 * the server is reachable through the proxy alone, and to prefer an address list.
 */
export function proxyTrust(setting: ProxyTrustSetting): ProxyTrust | false {
  if (setting === false) return false;
  if (setting === true) return () => true;
  if (typeof setting === 'number') return setting === 0 ? false : (_address, hop) => hop < setting;
  return proxyAddr.compile(setting);
}

/** The client's address: the nearest one not a trusted proxy, IPv4-mapped IPv6 shown as IPv4. */
export function clientIp(req: IncomingMessage, trust: ProxyTrust | false): string | null {
  const address = trust ? proxyAddr(req, trust) : req.socket.remoteAddress;
  if (!address) return null;
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
