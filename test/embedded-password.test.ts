import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbeddedServer, startEmbeddedPostgres } from '../src/db/embedded.js';
import { createLogger } from '../src/logger.js';

const OLD_FIXED_PASSWORD = 'leadtrail-local';
const logger = createLogger({ logLevel: 'silent' });
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'leadtrail-pgpw-'));
  dirs.push(d);
  return d;
}
const start = (dir: string) =>
  startEmbeddedPostgres({ dataDir: dir, port: 0, logger, shareRunning: false, prepareWal: false });
const passwordFile = (dir: string) => join(dir, 'pg.password');
const filePassword = (dir: string) => readFileSync(passwordFile(dir), 'utf8').trim();

/** Runs `sql` as the server's user with this password; null when the password is refused. */
async function asUser(server: EmbeddedServer, password: string, sql: string): Promise<pg.QueryResult | null> {
  const url = new URL(server.connectionString);
  url.password = encodeURIComponent(password);
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
  } catch (err) {
    if ((err as { code?: string }).code === '28P01') return null; // invalid_password
    throw err;
  }
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('the embedded PostgreSQL password', () => {
  it('is generated for a new data directory, kept in pg.password (0600), and only it is accepted', {
    timeout: 120_000,
  }, async () => {
    const dir = dataDir();
    const server = await start(dir);
    try {
      expect(statSync(passwordFile(dir)).mode & 0o777).toBe(0o600);
      const password = filePassword(dir);
      expect(password.length).toBeGreaterThanOrEqual(32);
      expect(password).not.toBe(OLD_FIXED_PASSWORD);
      expect(await asUser(server, password, 'select 1')).not.toBeNull();
      expect(await asUser(server, OLD_FIXED_PASSWORD, 'select 1')).toBeNull();
    } finally {
      await server.stop();
    }
  });

  it('replaces the old fixed password of an existing directory, also after a crash halfway', {
    timeout: 180_000,
  }, async () => {
    const dir = dataDir();
    // A directory as earlier versions left it: the fixed password and no pg.password.
    let server = await start(dir);
    await asUser(server, filePassword(dir), `create table kept (v text); insert into kept values ('данные')`);
    await asUser(server, filePassword(dir), `alter role leadtrail password '${OLD_FIXED_PASSWORD}'`);
    await server.stop();
    rmSync(passwordFile(dir));

    server = await start(dir);
    const generated = filePassword(dir);
    expect(generated).not.toBe(OLD_FIXED_PASSWORD);
    expect((await asUser(server, generated, 'select v from kept'))?.rows).toEqual([{ v: 'данные' }]);
    expect(await asUser(server, OLD_FIXED_PASSWORD, 'select 1')).toBeNull();

    // A crash after the new password was written but before the role was changed.
    await asUser(server, generated, `alter role leadtrail password '${OLD_FIXED_PASSWORD}'`);
    await server.stop();
    writeFileSync(passwordFile(dir), 'written-before-the-crash-0123456789abcdef\n', { mode: 0o600 });
    server = await start(dir);
    try {
      expect(await asUser(server, 'written-before-the-crash-0123456789abcdef', 'select 1')).not.toBeNull();
      expect(await asUser(server, OLD_FIXED_PASSWORD, 'select 1')).toBeNull();
    } finally {
      await server.stop();
    }
  });
});
