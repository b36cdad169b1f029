import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../../src/db/connection.js';
import { TEMPLATE_DB, withDatabase } from '../setup/global.js';

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file (a copy of the template). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${TEMPLATE_DB}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const { db } = createDb(url, 5);
  return {
    url,
    db,
    drop: async () => {
      await db.destroy();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** A bare project row of an account (no API key of use), for tests below the HTTP API. */
export async function insertProjectRow(db: Db, accountId: string): Promise<string> {
  const key = randomBytes(8).toString('hex');
  const project = await db
    .insertInto('projects')
    .values({
      account_id: accountId,
      name: `Сайт ${key}`,
      timezone: 'Europe/Moscow',
      currency: 'RUB',
      site_key: `site-${key}`,
      api_key_hash: `hash-${key}`,
      api_key_enc: 'unused',
      domains: [],
      last_hit_at: null,
      deleted_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return project.id;
}
