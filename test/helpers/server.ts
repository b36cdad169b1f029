import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/connection.js';
import { createLogger } from '../../src/logger.js';
import { type RunningService, startService } from '../../src/service.js';
import { createTestDatabase } from './db.js';

export interface TestServer {
  url: string;
  /** the test database, for CLI commands run beside the server */
  databaseUrl: string;
  db: Db;
  service: RunningService;
  close(): Promise<void>;
}

/** The real service (HTTP + worker) on a free loopback port over a fresh test database. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: database.url,
    SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Shared by every test server on the machine: the GeoIP database is unpacked there once.
    DATA_DIR: join(tmpdir(), 'leadtrail-test-data'),
    ...env,
  });
  const service = await startService(config, createLogger(config), 'all');
  return {
    url: `http://127.0.0.1:${port}`,
    databaseUrl: database.url,
    db: database.db,
    service,
    close: async () => {
      await service.stop();
      await database.drop();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
