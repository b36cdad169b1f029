/**
 * The outbound address guard: every connection to a user-given destination (IMAP mailboxes,
 * amoCRM, webhooks…) goes through it, so a user cannot make the server reach its own or its
 * network's internal services (SSRF) — whatever notation the address is written in, and whatever
 * the name resolves to at the moment of connecting (DNS rebinding).
 *
 * Parsing is ipaddr.js's (the one proxy-addr uses): it reads every IPv6 notation (compressed,
 * `::ffff:127.0.0.1`, zone ids) and the inet_aton IPv4 forms the system resolver accepts
 * (`0x7f.1`, `2130706433`, `127.1`), and gives the bytes an embedded IPv4 is taken from. The
 * check is an allow-list: IPv4 outside the special-purpose ranges, IPv6 only in global unicast
 * (2000::/3) outside its special-purpose ranges, and IPv6 forms that carry an IPv4 address
 * (IPv4-mapped, NAT64 64:ff9b::/96, 6to4) judged by that address.
 */

import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { messages } from '../http/messages.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Resolves a name to every address it has now (the system resolver by default). */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface AddressGuardOptions {
  /**
   * Private, loopback and other internal addresses allowed (ALLOW_CUSTOM_INTEGRATION_HOSTS:
   * tests, fakes on loopback, self-hosted setups): nothing is refused then.
   */
  allowPrivate: boolean;
  /** injectable for tests (a name that resolves to one address now and another later) */
  resolve?: Resolver;
  /** the host's own addresses; default os.networkInterfaces(), read at each check */
  ownAddresses?: () => string[];
}

export interface AddressGuard {
  /**
   * Throws {@link AddressRefusedError} when the host is, or now resolves to, a refused address
   * (any one of its addresses). A name that does not resolve passes: connecting to it fails later
   * with the resolver's own words.
   */
  checkHost(host: string): Promise<void>;
  /**
   * Throws {@link AddressRefusedError} when the host is a refused IP literal. Node connects to an
   * IP literal without calling `lookup`, so a socket opened with {@link lookup} needs this first.
   */
  checkLiteral(host: string): void;
  /** A `lookup` for net/tls connect options: resolves, and refuses a name with a refused address. */
  lookup: LookupFunction;
  /** fetch whose every connection is checked (redirects are not followed unless asked for) */
  fetch: typeof fetch;
}

/** The one answer for a refused destination, whatever happened: no open/closed port difference. */
export const ADDRESS_REFUSED_TEXT: string = messages.address_not_allowed.en;

export class AddressRefusedError extends Error {
  readonly code = 'ADDRESS_REFUSED';
  constructor() {
    super(ADDRESS_REFUSED_TEXT);
    this.name = 'AddressRefusedError';
  }
}

/** Whether this error (or what it was caused by, as fetch wraps it) is a refusal of the guard. */
export function isAddressRefused(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    if (e instanceof AddressRefusedError) return true;
  return false;
}

const cidrs = (list: readonly string[]) => list.map((c) => ipaddr.parseCIDR(c));

/** IANA IPv4 special-purpose registry, the ranges that are not globally reachable. */
const V4_REFUSED = cidrs([
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8',
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local, cloud metadata services
  '172.16.0.0/12',
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation (TEST-NET-1)
  '192.88.99.0/24', // deprecated 6to4 relay anycast
  '192.168.0.0/16',
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // TEST-NET-2
  '203.0.113.0/24', // TEST-NET-3
  '224.0.0.0/3', // multicast, reserved 240/4, broadcast
]);

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
const SIX_TO_FOUR = ipaddr.parseCIDR('2002::/16');
const IETF_PROTOCOLS = ipaddr.parseCIDR('2001::/23');
/** The globally reachable parts of 2001::/23 (Teredo 2001::/32 is not: its client is obfuscated). */
const IETF_PUBLIC = cidrs([
  '2001:1::1/128',
  '2001:1::2/128',
  '2001:1::3/128',
  '2001:3::/32',
  '2001:4:112::/48',
  '2001:20::/28',
  '2001:30::/28',
]);
/** Inside 2000::/3 but not globally reachable: documentation. */
const V6_REFUSED = cidrs(['2001:db8::/32', '3fff::/20']);

function v4FromBytes(b: number[], at: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([b[at] ?? 0, b[at + 1] ?? 0, b[at + 2] ?? 0, b[at + 3] ?? 0]);
}

/** The IPv4 address an IPv6 address stands for, if it is one of the forms that carry one. */
function embeddedV4(a: ipaddr.IPv6): ipaddr.IPv4 | null {
  if (a.isIPv4MappedAddress()) return a.toIPv4Address();
  const bytes = a.toByteArray();
  if (a.match(NAT64)) return v4FromBytes(bytes, 12);
  if (a.match(SIX_TO_FOUR)) return v4FromBytes(bytes, 2);
  return null;
}

function publicV4(a: ipaddr.IPv4): boolean {
  return !V4_REFUSED.some((r) => a.match(r));
}

function publicV6(a: ipaddr.IPv6): boolean {
  const v4 = embeddedV4(a);
  if (v4) return publicV4(v4);
  // Outside global unicast: ::, ::1, IPv4-compatible ::/96, 64:ff9b:1::/48, 100::/64, fc00::/7,
  // fe80::/10, fec0::/10, ff00::/8 and the rest of the unassigned space.
  if (!a.match(GLOBAL_UNICAST)) return false;
  if (a.match(IETF_PROTOCOLS)) return IETF_PUBLIC.some((r) => a.match(r));
  return !V6_REFUSED.some((r) => a.match(r));
}

/** The address in a literal host, in any notation the system resolver would take; null for a name. */
export function parseLiteral(host: string): Address | null {
  const h = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.IPv6.isValid(h)) return ipaddr.IPv6.parse(h);
  // Non-strict: also `0x7f.1`, `2130706433`, `127.1`, `0177.0.0.1` (inet_aton, as getaddrinfo).
  if (ipaddr.IPv4.isValid(h)) return ipaddr.IPv4.parse(h);
  return null;
}

/** Pure check of one address: true when it is public (and so may be connected to). */
export function isPublicAddress(ip: string): boolean {
  const a = parseLiteral(ip);
  if (!a) return false;
  return a.kind() === 'ipv4' ? publicV4(a as ipaddr.IPv4) : publicV6(a as ipaddr.IPv6);
}

function isLocalName(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

/** A comparable key: IPv4 (also embedded in IPv6) dotted, IPv6 in its normalised full form. */
function keysOf(a: Address): string[] {
  if (a.kind() === 'ipv4') return [a.toString()];
  const v6 = a as ipaddr.IPv6;
  const v4 = embeddedV4(v6);
  const plain = new ipaddr.IPv6(v6.parts).toNormalizedString(); // without the zone id
  return v4 ? [plain, v4.toString()] : [plain];
}

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true });

export function createAddressGuard(o: AddressGuardOptions): AddressGuard {
  const resolve = o.resolve ?? systemResolver;
  const own = o.ownAddresses ?? interfaceAddresses;

  const refused = (a: Address): boolean => {
    if (o.allowPrivate) return false;
    const isPublic = a.kind() === 'ipv4' ? publicV4(a as ipaddr.IPv4) : publicV6(a as ipaddr.IPv6);
    if (!isPublic) return true;
    const mine = new Set(
      own().flatMap((s) => {
        const p = parseLiteral(s);
        return p ? keysOf(p) : [];
      }),
    );
    return keysOf(a).some((k) => mine.has(k));
  };

  const checkLiteral = (host: string): void => {
    if (o.allowPrivate) return;
    if (isLocalName(host)) throw new AddressRefusedError();
    const a = parseLiteral(host);
    if (a && refused(a)) throw new AddressRefusedError();
  };

  /** Every address of the host, all of them checked: one refused address refuses the host. */
  const resolveChecked = async (host: string): Promise<Array<{ address: string; family: number }>> => {
    checkLiteral(host);
    const literal = parseLiteral(host);
    if (literal) {
      const plain = literal.kind() === 'ipv6' ? new ipaddr.IPv6((literal as ipaddr.IPv6).parts) : literal;
      return [{ address: plain.toString(), family: literal.kind() === 'ipv4' ? 4 : 6 }];
    }
    const all = await resolve(host);
    if (
      !o.allowPrivate &&
      all.some((r) => {
        const a = parseLiteral(r.address);
        return !a || refused(a);
      })
    )
      throw new AddressRefusedError();
    return all;
  };

  const lookup: LookupFunction = (hostname, options: LookupOptions, callback) => {
    resolveChecked(hostname).then(
      (all) => {
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const fit = family === 4 || family === 6 ? all.filter((r) => r.family === family) : all;
        const first = fit[0];
        if (!first) {
          const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          err.code = 'ENOTFOUND';
          callback(err, '', 0);
        } else if (options.all) callback(null, fit as LookupAddress[]);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };

  const base = buildConnector({ lookup });
  const agent = new Agent({
    connect: (opts, cb) => {
      try {
        checkLiteral(opts.hostname);
      } catch (err) {
        cb(err as Error, null);
        return;
      }
      base(opts, cb);
    },
  });

  const guardedFetch = ((input: string | URL | Request, init?: RequestInit) => {
    if (typeof input !== 'string' && !(input instanceof URL))
      throw new TypeError('the guarded fetch takes a URL, not a Request');
    const { redirect, ...rest } = init ?? {};
    return undiciFetch(input, {
      ...(rest as Parameters<typeof undiciFetch>[1]),
      redirect: redirect ?? 'manual',
      dispatcher: agent,
    }) as unknown as Promise<Response>;
  }) as typeof fetch;

  return {
    async checkHost(host) {
      if (o.allowPrivate) return;
      try {
        await resolveChecked(host);
      } catch (err) {
        if (err instanceof AddressRefusedError) throw err;
        // Does not resolve (now): not refused; the connection will say what the resolver said.
      }
    },
    checkLiteral,
    lookup,
    fetch: guardedFetch,
  };
}
