import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../src/db/connection.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';

export const TEMPLATE_DB = 'leadtrail_test_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** a connection URL to the test server's maintenance database */
    pgAdminUrl: string;
  }
}

/**
 * One real PostgreSQL for the whole run: TEST_DATABASE_URL when given (CI may point at a system
 * server), else an embedded one in a temp dir. A migrated template database lets every test file
 * get its own fresh database in milliseconds.
 */
export default async function setup(project: TestProject) {
  // CLI and lifecycle tests run the real bundle: keep it in step with the sources.
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-tracker.mjs'], { stdio: 'inherit' });
  // Browser tests drive the built cabinet: rebuild it when its sources are newer than the build.
  if (cabinetIsStale()) {
    // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    execFileSync('npm', ['run', 'build:web'], {
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  }

  let adminUrl = process.env.TEST_DATABASE_URL;
  let stopServer: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  if (!adminUrl) {
    dir = mkdtempSync(join(tmpdir(), 'leadtrail-test-pg-'));
    const server = await startEmbeddedPostgres({
      dataDir: dir,
      port: 0,
      logger: createLogger({ logLevel: 'error' }),
      shareRunning: false,
      // a throwaway cluster: no need for the WAL floor's half a gigabyte
      prepareWal: false,
    });
    adminUrl = server.connectionString;
    stopServer = server.stop;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const { db } = createDb(withDatabase(adminUrl, TEMPLATE_DB), 2);
  await migrateToLatest(db);
  await db.destroy();

  project.provide('pgAdminUrl', adminUrl);
  return async () => {
    await stopServer?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

function cabinetIsStale(): boolean {
  const built = 'web/dist/index.html';
  if (!existsSync(built)) return true;
  const sources = ['web/src', 'web/index.html', 'web/vite.config.ts'].filter((p) => existsSync(p));
  return Math.max(...sources.map(newestMtime)) > statSync(built).mtimeMs;
}
