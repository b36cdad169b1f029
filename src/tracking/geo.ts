import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { BlockList, isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { type CityResponse, open as openMmdb, type Reader } from 'maxmind';

export interface GeoInfo {
  city: { ru: string | null; en: string | null } | null;
  country: { code: string; ru: string | null; en: string | null } | null;
}

export interface GeoLookup {
  lookup(ip: string): GeoInfo;
}

const DB_FILE = 'GeoLite2-City.mmdb';
// An extraction takes seconds; a temp file this old was left by a process that died mid-way.
const STALE_TEMP_MS = 10 * 60_000;

/**
 * Opens a GeoIP2/GeoLite2 City database: `dbPath` when given (an operator's own, fresher copy),
 * else the GeoLite2 City copy the `geolite2-city` package ships gzipped, unpacked once into
 * `<dataDir>/geo/`. Readers are shared per file within the process: each holds the whole ~60 MB file.
 * Rejects when the file cannot be read or is no MaxMind database.
 */
export async function openGeoDatabase(opts: { dataDir: string; dbPath?: string }): Promise<GeoLookup> {
  const path = opts.dbPath ? resolve(opts.dbPath) : await unpackBundledDatabase(resolve(opts.dataDir));
  const reader = await readerFor(path);
  return { lookup: (ip) => lookupIn(reader, ip) };
}

const readers = new Map<string, { mtimeMs: number; reader: Promise<Reader<CityResponse>> }>();

async function readerFor(path: string): Promise<Reader<CityResponse>> {
  const { mtimeMs } = await stat(path);
  const cached = readers.get(path);
  // A replaced file (a new .gz unpacked, an operator's update) gets a new reader.
  if (cached?.mtimeMs === mtimeMs) return cached.reader;
  const reader = openMmdb<CityResponse>(path, { watchForUpdates: false });
  readers.set(path, { mtimeMs, reader });
  reader.catch(() => {
    if (readers.get(path)?.reader === reader) readers.delete(path);
  });
  return reader;
}

const unpacking = new Map<string, Promise<string>>();

async function unpackBundledDatabase(dataDir: string): Promise<string> {
  const target = join(dataDir, 'geo', DB_FILE);
  // Concurrent openers in one process wait for the same unpacking instead of racing their own.
  let pending = unpacking.get(target);
  if (!pending) {
    pending = unpackIfStale(target).finally(() => unpacking.delete(target));
    unpacking.set(target, pending);
  }
  return pending;
}

async function unpackIfStale(target: string): Promise<string> {
  const gz = join(
    dirname(createRequire(import.meta.url).resolve('geolite2-city/package.json')),
    `${DB_FILE}.gz`,
  );
  const [source, existing] = await Promise.all([stat(gz), stat(target).catch(() => null)]);
  if (existing && existing.mtimeMs >= source.mtimeMs) return target;

  const dir = dirname(target);
  await mkdir(dir, { recursive: true });
  await removeStaleTemps(dir);
  // Unpack beside the target and rename over it: readers and a crash mid-way see the old file or
  // the whole new one, never a truncated database.
  const temp = join(dir, `${DB_FILE}.${process.pid}.${randomUUID()}.tmp`);
  try {
    await pipeline(createReadStream(gz), createGunzip(), createWriteStream(temp));
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return target;
}

async function removeStaleTemps(dir: string): Promise<void> {
  const prefix = `${DB_FILE}.`;
  for (const name of await readdir(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const path = join(dir, name);
    const st = await stat(path).catch(() => null);
    if (st && Date.now() - st.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true });
  }
}

function nowhere(): GeoInfo {
  return { city: null, country: null };
}

function lookupIn(reader: Reader<CityResponse>, ip: string): GeoInfo {
  try {
    const address = publicAddress(ip);
    const record = address ? reader.get(address) : null;
    if (!record) return nowhere();
    return { city: cityOf(record), country: countryOf(record) };
  } catch {
    return nowhere();
  }
}

function cityOf(record: CityResponse): GeoInfo['city'] {
  const names = record.city?.names;
  const ru = names?.ru ?? null;
  const en = names?.en ?? null;
  return ru || en ? { ru, en } : null;
}

// Only where MaxMind places the user: registered_country is where the network's owner registered
// it (1.1.1.1 is "Australia"), which says nothing about the visitor.
function countryOf(record: CityResponse): GeoInfo['country'] {
  const country = record.country;
  if (!country?.iso_code) return null;
  return { code: country.iso_code, ru: country.names?.ru ?? null, en: country.names?.en ?? null };
}

const notPublic = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3], // multicast and reserved, up to 255.255.255.255
] as const) {
  notPublic.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 127], // unspecified and loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['2001:db8::', 32], // documentation
] as const) {
  notPublic.addSubnet(net, prefix, 'ipv6');
}

/** The address in the form the database expects, or null for anything not publicly routed. */
function publicAddress(raw: string): string | null {
  let ip = raw.trim().replace(/^\[(.*)\]$/, '$1');
  // A dual-stack server sees IPv4 clients as ::ffff:a.b.c.d.
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) ip = mapped[1];
  const version = isIP(ip);
  if (version === 0) return null;
  return notPublic.check(ip, version === 4 ? 'ipv4' : 'ipv6') ? null : ip;
}
