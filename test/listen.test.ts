import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify, subscribe } from '../src/db/listen.js';
import { createTestDatabase, type TestDatabase } from './helpers/db.js';
import { until } from './helpers/until.js';

describe('subscribe: LISTEN on a connection of its own, reconnected when lost', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('hears announcements, and after its connection is killed listens again and says so', async () => {
    const heard: Array<string | undefined> = [];
    let listened = 0;
    const sub = subscribe(database.db, {
      channel: 'test_changes',
      applicationName: 'leadtrail listen test',
      lostMessage: 'test listener lost',
      onNotification: (payload) => heard.push(payload),
      onListening: () => listened++,
      backoff: { minMs: 50, maxMs: 200 },
    });
    try {
      await sub.ready;
      expect(sub.listening).toBe(true);
      expect(listened).toBe(1);
      await notify(database.db, 'test_changes', 'one');
      await until('the first announcement', () => heard.length === 1);

      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'leadtrail listen test'`,
      );
      await admin.end();
      await until('listening again', () => listened === 2 && sub.listening);

      await notify(database.db, 'test_changes', 'two');
      await until('the second announcement', () => heard.length === 2);
      expect(heard).toEqual(['one', 'two']);
    } finally {
      await sub.close();
    }
    expect(sub.listening).toBe(false);
    await notify(database.db, 'test_changes', 'three');
    await new Promise((r) => setTimeout(r, 300));
    expect(heard).toEqual(['one', 'two']);
  });
});
