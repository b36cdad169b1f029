import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/connection.js';
import type { IncomingEmail } from '../../src/email/mailbox-reader.js';
import { type MailboxPollers, notifyMailboxesChanged, startMailboxPollers } from '../../src/email/pollers.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { dovecotAvailable, startDovecot, type TestDovecot } from '../helpers/dovecot.js';
import { until } from '../helpers/until.js';
import {
  addMailbox,
  createProject,
  logger,
  loopbackGuard,
  mail,
  mailboxRow,
  SECRET_KEY,
  sealer,
} from './fixtures.js';

describe.skipIf(!dovecotAvailable)('mailbox pollers: one reader per mailbox across processes', () => {
  let dovecot: TestDovecot;
  let database: TestDatabase;
  let projectId: string;
  const pools: Db[] = [];
  const running: MailboxPollers[] = [];

  beforeAll(async () => {
    const users = Array.from({ length: 6 }, (_, i) => ({
      user: `p${i + 1}@shop.test`,
      password: `pw-${i + 1}`,
    }));
    [dovecot, database] = await Promise.all([startDovecot({ users }), createTestDatabase()]);
    projectId = await createProject(database.db);
  });

  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await Promise.all(pools.map((db) => db.destroy()));
    await dovecot?.stop();
    await database?.drop();
  });

  /** another worker process, as far as PostgreSQL can tell: a pool of its own */
  function processWith(onMessage: (m: IncomingEmail) => Promise<void>, claimSeconds = 0.3): MailboxPollers {
    const { db } = createDb(database.url, 3);
    pools.push(db);
    const pollers = startMailboxPollers(db, logger, {
      secretKey: SECRET_KEY,
      guard: loopbackGuard,
      onMessage,
      claimSeconds,
      backoff: { minMs: 100, maxMs: 1_000 },
    });
    running.push(pollers);
    return pollers;
  }

  it('two processes on one mailbox: one reads, each message is delivered once, the other takes over when it dies', async () => {
    const [u] = dovecot.users;
    if (!u) throw new Error('no user');
    for (let i = 0; i < 20; i++) await dovecot.append(u.user, 'INBOX', mail({ subject: `Письмо ${i}` }));
    const box = await addMailbox(database.db, projectId, { host: dovecot.host, port: dovecot.port, ...u });

    const delivered: { by: string; id: string | null; subject: string | null }[] = [];
    const record = (by: string) => async (m: IncomingEmail) => {
      delivered.push({ by, id: m.messageId, subject: m.subject });
    };
    const a = processWith(record('A'));
    const b = processWith(record('B'));
    await Promise.all([a.refresh(), b.refresh()]);
    await until('twenty messages', () => delivered.length >= 20);
    expect([...a.held(), ...b.held()]).toEqual([box.id]);
    const holder = a.held().length ? 'A' : 'B';
    expect(new Set(delivered.map((d) => d.by))).toEqual(new Set([holder]));

    for (let i = 20; i < 25; i++) await dovecot.append(u.user, 'INBOX', mail({ subject: `Письмо ${i}` }));
    await until('25 messages', () => delivered.length >= 25);

    // The holder's lock connection dies (a crashed process): its lock goes, the readers stop,
    // and a process takes the mailbox over at its next try.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'leadtrail mailbox locks'`,
    );
    await admin.end();
    await until('a new holder', () => a.held().length + b.held().length === 1, 10_000);
    for (let i = 25; i < 30; i++) await dovecot.append(u.user, 'INBOX', mail({ subject: `Письмо ${i}` }));
    await until('30 messages', () => delivered.length >= 30);
    await new Promise((r) => setTimeout(r, 1_000));

    expect(delivered).toHaveLength(30);
    expect(new Set(delivered.map((d) => d.id)).size).toBe(30);
    expect(delivered.map((d) => d.subject)).toEqual(Array.from({ length: 30 }, (_, i) => `Письмо ${i}`));
    expect(
      await database.db.selectFrom('email_messages').select('uid').where('mailbox_id', '=', box.id).execute(),
    ).toHaveLength(30);

    // A clean stop lets go at once: the other process goes on.
    const [stopped, other] = a.held().length ? [a, b] : [b, a];
    await stopped.stop();
    await until('the other process to hold it', () => other.held().length === 1, 5_000);
    await dovecot.append(u.user, 'INBOX', mail({ subject: 'После остановки' }));
    await until('31 messages', () => delivered.length >= 31);
    await other.stop();
    await database.db.deleteFrom('mailboxes').where('id', '=', box.id).execute();
  });

  it('refresh() and the change notice: mailboxes added, changed and removed; a broken one does not hold up the rest', async () => {
    const [, u2, u3] = dovecot.users;
    if (!u2 || !u3) throw new Error('no users');
    const got: IncomingEmail[] = [];
    // No periodic look during the test: only refresh() and the notice make it read the table.
    const p = processWith(async (m) => void got.push(m), 3_600);
    await p.refresh();
    expect(p.held()).toEqual([]);

    const good = await addMailbox(database.db, projectId, { host: dovecot.host, port: dovecot.port, ...u2 });
    const broken = await addMailbox(database.db, projectId, {
      host: dovecot.host,
      port: dovecot.port,
      user: u3.user,
      password: 'wrong',
    });
    // As the settings API does after saving: every process hears it at once.
    await notifyMailboxesChanged(database.db);
    await until('both mailboxes taken', () => p.held().length === 2, 5_000);
    expect(p.held().sort()).toEqual([good.id, broken.id].sort());
    await until(
      'the broken one in error',
      async () => (await mailboxRow(database.db, broken.id)).status === 'error',
    );
    expect((await mailboxRow(database.db, broken.id)).status_message).toBe(
      'Login refused by the server: Authentication failed. [AUTHENTICATIONFAILED]',
    );
    await dovecot.append(u2.user, 'INBOX', mail({ subject: 'Хороший ящик' }));
    await until('the good mailbox message', () => got.length >= 1);

    // The password is fixed: the reader starts over with it.
    await database.db
      .updateTable('mailboxes')
      .set({ password_enc: sealer.seal(u3.password) })
      .where('id', '=', broken.id)
      .execute();
    await p.refresh();
    await until(
      'the fixed one connected',
      async () => (await mailboxRow(database.db, broken.id)).status === 'connected',
    );
    await dovecot.append(u3.user, 'INBOX', mail({ subject: 'Починили' }));
    await until('the fixed mailbox message', () => got.length >= 2);
    expect(got.map((m) => m.subject)).toEqual(['Хороший ящик', 'Починили']);

    // Removed: no longer read, its lock let go.
    await database.db.deleteFrom('mailboxes').where('id', '=', good.id).execute();
    await p.refresh();
    expect(p.held()).toEqual([broken.id]);
    await p.stop();
    expect(p.held()).toEqual([]);
  });
});
