import { lookup as dnsLookup } from 'node:dns/promises';
import { describe, expect, it } from 'vitest';
import { tableResolver } from '../../test/helpers/resolver.js';
import { AddressRefusedError, createAddressGuard, isPublicAddress } from './address-guard.js';

const REFUSED = [
  // IPv4 special-purpose ranges
  '0.0.0.0',
  '0.1.2.3',
  '10.0.0.1',
  '100.64.0.1',
  '127.0.0.1',
  '127.255.255.254',
  '169.254.169.254',
  '172.16.0.1',
  '172.31.255.255',
  '192.0.0.1',
  '192.0.0.170',
  '192.0.2.1',
  '192.88.99.1',
  '192.168.0.1',
  '198.18.0.1',
  '198.19.255.255',
  '198.51.100.1',
  '203.0.113.1',
  '224.0.0.1',
  '239.255.255.250',
  '240.0.0.1',
  '255.255.255.255',
  // inet_aton notations the system resolver turns into loopback
  '0x7f.1',
  '2130706433',
  '127.1',
  '0177.0.0.1',
  '0x7f000001',
  // IPv6
  '::',
  '::1',
  '[::1]',
  '::ffff:7f00:1',
  '::ffff:127.0.0.1',
  '[::ffff:127.0.0.1]',
  '::ffff:a9fe:a9fe',
  '::ffff:0a00:0001',
  '::ffff:c0a8:0001',
  '0:0:0:0:0:ffff:7f00:1',
  '::127.0.0.1', // IPv4-compatible (deprecated)
  '::ffff:0:7f00:1', // IPv4-translated (SIIT)
  '64:ff9b::7f00:1', // NAT64 of 127.0.0.1
  '64:ff9b::a9fe:a9fe',
  '64:ff9b::10.0.0.1',
  '64:ff9b:1::5db8:d822', // local-use NAT64, even of a public address
  '100::1', // discard-only
  '2001::1', // Teredo
  '2001:2::1', // benchmarking
  '2001:db8::1',
  '3fff::1',
  '2002:7f00:1::1', // 6to4 of 127.0.0.1
  '2002:c0a8:1::1',
  'fc00::1',
  'fd00::2',
  'fe80::1',
  'fe80::1%eth0',
  'fec0::1',
  'ff02::1',
];

const PUBLIC = [
  '93.184.216.34',
  '8.8.8.8',
  '1.1.1.1',
  '192.0.1.1',
  '100.128.0.1',
  '2a00:1450::1',
  '[2a00:1450:4010:c0e::6d]',
  '::ffff:5db8:d822', // IPv4-mapped 93.184.216.34
  '64:ff9b::5db8:d822', // NAT64 of 93.184.216.34
  '2002:5db8:d822::1', // 6to4 of 93.184.216.34
  '2001:4:112::1', // AS112-v6
  '2620:4f:8000::1',
];

describe('the pure check', () => {
  it.each(REFUSED)('refuses %s', (ip) => expect(isPublicAddress(ip)).toBe(false));
  it.each(PUBLIC)('allows %s', (ip) => expect(isPublicAddress(ip)).toBe(true));
  it('a name is not an address', () => {
    expect(isPublicAddress('example.com')).toBe(false);
    expect(isPublicAddress('1.2.3.4.5')).toBe(false);
  });
  it('reads the inet_aton forms as the system resolver does', async () => {
    for (const form of ['0x7f.1', '2130706433', '127.1'])
      expect((await dnsLookup(form, { all: true })).map((a) => a.address)).toEqual(['127.0.0.1']);
  });
});

describe('checkHost', () => {
  const { resolve } = tableResolver({
    'mail.example.com': ['93.184.216.34', '2a00:1450::1'],
    'mixed.example.com': ['93.184.216.34', '10.0.0.1'],
    'loop.example.com': ['127.0.0.1'],
    'mapped.example.com': ['::ffff:7f00:1'],
  });
  const guard = createAddressGuard({ allowPrivate: false, resolve, ownAddresses: () => ['93.184.216.99'] });
  const refused = (host: string) => expect(guard.checkHost(host)).rejects.toThrow(AddressRefusedError);

  it('refuses literals, local names and names with any refused address', async () => {
    for (const host of REFUSED) await refused(host);
    for (const host of ['localhost', 'LOCALHOST.', 'imap.localhost', 'mixed.example.com', 'loop.example.com'])
      await refused(host);
    await refused('mapped.example.com');
  });

  it('refuses the host’s own addresses, even public ones', async () => {
    await refused('93.184.216.99');
    await refused('::ffff:93.184.216.99');
    await expect(
      createAddressGuard({ allowPrivate: false, resolve }).checkHost('93.184.216.99'),
    ).resolves.toBeUndefined();
  });

  it('allows public literals and names; a name that does not resolve is left to the connection', async () => {
    for (const host of [...PUBLIC, 'mail.example.com', 'nowhere.example.com'])
      await expect(guard.checkHost(host), host).resolves.toBeUndefined();
  });

  it('allows everything with ALLOW_CUSTOM_INTEGRATION_HOSTS', async () => {
    const open = createAddressGuard({ allowPrivate: true, resolve });
    for (const host of ['127.0.0.1', '::ffff:7f00:1', 'localhost', 'loop.example.com'])
      await expect(open.checkHost(host)).resolves.toBeUndefined();
  });
});
