import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeoInfo, type GeoLookup, openGeoDatabase } from './geo.js';

// One unpacking of the bundled GeoLite2 City for the whole file: it is ~60 MB.
let dataDir: string;
let geo: GeoLookup;
let dbFile: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'leadtrail-geo-'));
  geo = await openGeoDatabase({ dataDir });
  dbFile = join(dataDir, 'geo', 'GeoLite2-City.mmdb');
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const RUSSIA = { code: 'RU', ru: 'Россия', en: 'Russia' };
const USA = { code: 'US', ru: 'США', en: 'United States' };
const NOWHERE: GeoInfo = { city: null, country: null };

describe('openGeoDatabase: lookups in the bundled GeoLite2 City', () => {
  it.each<[string, string, GeoInfo]>([
    // Yandex's own network: GeoLite2 knows the country only, not Moscow.
    ['Yandex', '77.88.55.242', { city: null, country: RUSSIA }],
    ['Yandex, as a dual-stack server sees it', '::ffff:77.88.55.242', { city: null, country: RUSSIA }],
    ['Google DNS', '8.8.8.8', { city: null, country: USA }],
    [
      'Rostelecom, Saint Petersburg',
      '95.55.100.1',
      { city: { ru: 'Санкт-Петербург', en: 'St Petersburg' }, country: RUSSIA },
    ],
    ['ER-Telecom, Perm', '46.146.230.1', { city: { ru: 'Пермь', en: 'Perm' }, country: RUSSIA }],
    ['MTS, Samara', '85.26.164.1', { city: { ru: 'Самара', en: 'Samara' }, country: RUSSIA }],
    ['IPv6, Perm', '2a02:2698::1', { city: { ru: 'Пермь', en: 'Perm' }, country: RUSSIA }],
    ['IPv6, Yandex', '2a02:6b8::2:242', { city: null, country: RUSSIA }],
    ['IPv6 in brackets', '[2001:4860:4860::8888]', { city: null, country: USA }],
    [
      'surrounding spaces',
      ' 95.55.100.1 ',
      { city: { ru: 'Санкт-Петербург', en: 'St Petersburg' }, country: RUSSIA },
    ],
    // Cloudflare anycast: only a registered country (AU), which is not where the visitor is.
    ['anycast with no located country', '1.1.1.1', NOWHERE],
  ])('%s (%s)', (_name, ip, expected) => {
    expect(geo.lookup(ip)).toEqual(expected);
  });

  it.each([
    ['127.0.0.1'],
    ['10.0.0.1'],
    ['192.168.1.10'],
    ['172.16.5.4'],
    ['100.64.0.1'],
    ['169.254.1.1'],
    ['0.0.0.0'],
    ['255.255.255.255'],
    ['::1'],
    ['::'],
    ['fe80::1'],
    ['fe80::1%eth0'],
    ['fd12:3456::1'],
    ['::ffff:127.0.0.1'],
    ['garbage'],
    [''],
    ['999.1.1.1'],
    ['1.2.3'],
    ['77.88.55.242:443'],
  ])('%j → nowhere', (ip) => {
    expect(geo.lookup(ip)).toEqual(NOWHERE);
  });

  it('never throws, whatever it is given', () => {
    for (const ip of [undefined, null, 42, {}] as unknown as string[])
      expect(geo.lookup(ip)).toEqual(NOWHERE);
  });
});

describe('openGeoDatabase: the unpacked file', () => {
  it('unpacks into <dataDir>/geo and leaves no temp file behind', () => {
    expect(readdirSync(join(dataDir, 'geo'))).toEqual(['GeoLite2-City.mmdb']);
    expect(statSync(dbFile).size).toBeGreaterThan(30_000_000);
  });

  it('reuses the unpacked file and the open reader on the next open', async () => {
    const before = statSync(dbFile).mtimeMs;
    const started = performance.now();
    const again = await openGeoDatabase({ dataDir });
    expect(performance.now() - started).toBeLessThan(200);
    expect(statSync(dbFile).mtimeMs).toBe(before);
    expect(again.lookup('95.55.100.1').city?.en).toBe('St Petersburg');
  });

  it('serves concurrent first opens from one unpacked file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadtrail-geo-'));
    try {
      const [a, b] = await Promise.all([
        openGeoDatabase({ dataDir: dir }),
        openGeoDatabase({ dataDir: dir }),
      ]);
      expect(a.lookup('8.8.8.8')).toEqual(b.lookup('8.8.8.8'));
      expect(readdirSync(join(dir, 'geo'))).toEqual(['GeoLite2-City.mmdb']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('unpacks again when the .gz is newer, and clears a dead process’s temp file', async () => {
    utimesSync(dbFile, new Date(0), new Date(0));
    const leftover = join(dataDir, 'geo', 'GeoLite2-City.mmdb.4242.dead.tmp');
    writeFileSync(leftover, 'half a database');
    utimesSync(leftover, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));

    const reopened = await openGeoDatabase({ dataDir });
    expect(statSync(dbFile).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    expect(readdirSync(join(dataDir, 'geo'))).toEqual(['GeoLite2-City.mmdb']);
    expect(reopened.lookup('77.88.55.242').country).toEqual(RUSSIA);
  });

  it('opens an operator’s own .mmdb given as dbPath', async () => {
    const own = await openGeoDatabase({ dataDir: '/nonexistent', dbPath: dbFile });
    expect(own.lookup('46.146.230.1').city?.ru).toBe('Пермь');
  });

  it('rejects a dbPath that is missing or no MaxMind database, and can retry later', async () => {
    await expect(openGeoDatabase({ dataDir, dbPath: join(dataDir, 'missing.mmdb') })).rejects.toThrow();
    const junk = join(dataDir, 'junk.mmdb');
    writeFileSync(junk, 'not a database');
    await expect(openGeoDatabase({ dataDir, dbPath: junk })).rejects.toThrow();
    await expect(openGeoDatabase({ dataDir, dbPath: junk })).rejects.toThrow();
    rmSync(junk);
  });
});
