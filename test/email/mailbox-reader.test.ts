// One file over 400 lines: one module, the mailbox reader, against one private Dovecot for all cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEmailMessage } from '../../src/db/queries/email-messages.js';
import { testMailboxConnection } from '../../src/email/imap-session.js';
import {
  type IncomingEmail,
  type Mailbox,
  type MailboxReader,
  type MailboxReaderOptions,
  startMailboxReader,
} from '../../src/email/mailbox-reader.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { dovecotAvailable, startDovecot, type TestDovecot } from '../helpers/dovecot.js';
import { until } from '../helpers/until.js';
import { addMailbox, createProject, logger, loopbackGuard, mail, mailboxRow, sealer } from './fixtures.js';

describe.skipIf(!dovecotAvailable)('mailbox reader against a real Dovecot', () => {
  let dovecot: TestDovecot;
  let database: TestDatabase;
  let projectId: string;
  const readers: MailboxReader[] = [];

  beforeAll(async () => {
    // Users made up front: Dovecot needs up to a second to see one added later.
    const users = Array.from({ length: 20 }, (_, i) => ({
      user: `box${i + 1}@shop.test`,
      password: `пароль-${i + 1}-secret`,
    }));
    [dovecot, database] = await Promise.all([startDovecot({ users }), createTestDatabase()]);
    projectId = await createProject(database.db);
  });

  afterAll(async () => {
    await Promise.all(readers.map((r) => r.stop()));
    await dovecot?.stop();
    await database?.drop();
  });

  let userCount = 0;
  /** a Dovecot user of its own and a mailbox row reading it (plain port unless said) */
  async function newMailbox(o: { since?: Date; folders?: string[]; tls?: boolean } = {}) {
    const { user, password } = dovecot.users[userCount++] ?? { user: '', password: '' };
    if (!user) throw new Error('more users needed');
    const row = await addMailbox(database.db, projectId, {
      host: dovecot.host,
      port: o.tls ? dovecot.tlsPort : dovecot.port,
      tls: o.tls,
      user,
      password,
      folders: o.folders,
      since: o.since,
    });
    return { user, password, row };
  }

  function start(
    row: Mailbox,
    onMessage: MailboxReaderOptions['onMessage'],
    o: Partial<MailboxReaderOptions> = {},
  ): MailboxReader {
    const reader = startMailboxReader(row, {
      db: database.db,
      logger,
      sealer,
      guard: loopbackGuard,
      onMessage,
      tls: { ca: dovecot.certificate },
      backoff: { minMs: 100, maxMs: 1_000 },
      ...o,
    });
    readers.push(reader);
    return reader;
  }

  function collector() {
    const got: IncomingEmail[] = [];
    return { got, onMessage: async (m: IncomingEmail) => void got.push(m) };
  }

  const recorded = (mailboxId: string) =>
    database.db
      .selectFrom('email_messages')
      .selectAll()
      .where('mailbox_id', '=', mailboxId)
      .orderBy('id')
      .execute();

  const folderState = (mailboxId: string, folder = 'INBOX') =>
    database.db
      .selectFrom('mailbox_folders')
      .selectAll()
      .where('mailbox_id', '=', mailboxId)
      .where('folder', '=', folder)
      .executeTakeFirst();

  /** waits for a full look at the folders that ended after `after` */
  async function synced(mailboxId: string, after: Date) {
    await until('a sync', async () => {
      const row = await mailboxRow(database.db, mailboxId);
      return row.last_sync_at && row.last_sync_at > after ? row : null;
    });
  }

  it('imports new messages by UID, Cyrillic in UTF-8 and KOI8-R, read-only (they stay unseen)', async () => {
    const { user, row } = await newMailbox({ since: new Date(Date.now() - 3_600_000) });
    // Before the start date: never imported.
    await dovecot.append(user, 'INBOX', mail({ subject: 'Старое' }), {
      date: new Date(Date.now() - 7_200_000),
    });
    await dovecot.append(
      user,
      'INBOX',
      mail({
        from: 'Иван Петров <Ivan@Example.RU>',
        subject: 'Хочу заказать диван',
        body: 'Сколько стоит доставка?',
      }),
    );
    await dovecot.append(
      user,
      'INBOX',
      [
        'From: =?KOI8-R?B?8MXU0s/X?= <petrov@example.ru>',
        'To: leads@shop.test',
        'Subject: =?KOI8-R?Q?=FA=C1=D1=D7=CB=C1?=',
        'Message-ID: <koi8@example.ru>',
        'Content-Type: text/plain; charset=koi8-r',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        '=F0=D2=C9=D7=C5=D4, =CD=C9=D2',
        '',
      ].join('\r\n'),
    );

    const { got, onMessage } = collector();
    const t0 = new Date();
    const reader = start(row, onMessage);
    await until('two messages', () => got.length >= 2);
    expect(got.map((m) => m.subject)).toEqual(['Хочу заказать диван', 'Заявка']);
    expect(got[0]).toMatchObject({
      place: { mailboxId: row.id, folder: 'INBOX', uid: 2 },
      from: { address: 'ivan@example.ru', name: 'Иван Петров' },
      text: 'Сколько стоит доставка?',
      autoReason: null,
    });
    expect(got[1]).toMatchObject({
      place: { uid: 3 },
      from: { address: 'petrov@example.ru', name: 'Петров' },
      messageId: '<koi8@example.ru>',
      text: 'Привет, мир',
    });
    expect(got[0]?.receivedAt).toBeInstanceOf(Date);
    await synced(row.id, t0);

    // Read-only: nothing became \Seen, nothing moved.
    const stored = await dovecot.list(user, 'INBOX');
    expect(stored).toHaveLength(3);
    for (const m of stored) expect(m.flags).not.toContain('\\Seen');

    const rows = await recorded(row.id);
    expect(rows.map((r) => r.uid)).toEqual([2, 3]);
    expect(rows[1]?.message_id).toBe('<koi8@example.ru>');
    expect(await folderState(row.id)).toMatchObject({ last_uid: 3 });
    const status = await mailboxRow(database.db, row.id);
    expect(status).toMatchObject({ status: 'connected', status_message: null });

    // Incremental: only the new one.
    await dovecot.append(user, 'INBOX', mail({ subject: 'Ещё вопрос' }));
    await until('the third message', () => got.length >= 3);
    expect(got.map((m) => m.place.uid)).toEqual([2, 3, 4]);
    await reader.stop();

    // A new reader (a restart) takes nothing twice.
    const again = collector();
    const t1 = new Date();
    const second = start(row, again.onMessage);
    await synced(row.id, t1);
    await dovecot.append(user, 'INBOX', mail({ subject: 'После перезапуска' }));
    await until('the message after the restart', () => again.got.length >= 1);
    expect(again.got.map((m) => m.subject)).toEqual(['После перезапуска']);
    await second.stop();
  });

  it('a 5,000-message mailbox: only messages after the start date are read, memory stays bounded', async () => {
    const now = Date.now();
    const since = new Date(now - 25 * 3_600_000 - 17 * 60_000);
    const { user, row } = await newMailbox({ since });
    const filler = 'Текст письма для объёма. '.repeat(60); // ~2.7 KB a message
    const messages = Array.from({ length: 5_000 }, (_, i) => {
      const date = new Date(now - (5_000 - i) * 30 * 60_000 + 1_000);
      return { raw: mail({ subject: `История ${i}`, body: `${i} ${filler}`, date }), date };
    });
    const expected = messages.filter((m) => Math.floor(m.date.getTime() / 1000) * 1000 >= since.getTime());
    await dovecot.bulkAppend(user, 'INBOX', messages);
    expect((await dovecot.list(user, 'INBOX')).length).toBe(5_000);

    const { got, onMessage } = collector();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 10);
    const t0 = new Date();
    const reader = start(row, onMessage);
    await synced(row.id, t0);
    clearInterval(sampler);
    await reader.stop();

    expect(got.length).toBe(expected.length);
    expect(got.map((m) => m.subject)).toEqual(
      expected.map((_, i) => `История ${5_000 - expected.length + i}`),
    );
    expect(await folderState(row.id)).toMatchObject({ last_uid: 5_000 });

    // Dovecot's own account of the session: only the new messages' bodies went over the wire.
    const log = await dovecot.log();
    const session = log
      .split('\n')
      .filter((l) => l.includes(`imap(${user})`) && l.includes('Logged out'))
      .at(-1);
    const bodies = Number(/body_count=(\d+)/.exec(session ?? '')?.[1] ?? -1);
    const out = Number(/ out=(\d+)/.exec(session ?? '')?.[1] ?? -1);
    expect(out, `bytes the server sent (${bodies} bodies)`).toBeLessThan(1_000_000); // the mailbox is ~14 MB
    expect(rssPeak - rssBefore, 'peak RSS growth in bytes').toBeLessThan(100 * 1048576);
  });

  it('picks up a new APPEND through IDLE within 2 s (and by polling when IDLE is off)', async () => {
    const { user, row } = await newMailbox();
    const { got, onMessage } = collector();
    // Polling every 60 s: only IDLE can be this quick.
    const reader = start(row, onMessage, { pollSeconds: 60 });
    await synced(row.id, new Date(0));
    const latencies: number[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      await dovecot.append(user, 'INBOX', mail({ subject: `IDLE ${i}` }));
      await until('the IDLE message', () => got.length > i, { timeout: 5_000, interval: 5 });
      latencies.push(Date.now() - t0);
    }
    expect(Math.max(...latencies), `IDLE latencies (APPEND → onMessage): ${latencies} ms`).toBeLessThan(
      2_000,
    );
    await reader.stop();

    const polled = collector();
    const t1 = new Date();
    const poller = start(row, polled.onMessage, { idle: false, pollSeconds: 1 });
    await synced(row.id, t1);
    await dovecot.append(user, 'INBOX', mail({ subject: 'polled' }));
    await until('the polled message', () => polled.got.length >= 1, 5_000);
    expect(polled.got.map((m) => m.subject)).toEqual(['polled']);
    await poller.stop();
  });

  it('a changed UIDVALIDITY: read again from the start date, nothing taken twice', async () => {
    const { user, row } = await newMailbox();
    const first = [mail({ subject: 'Первое' }), mail({ subject: 'Второе' })];
    for (const raw of first) await dovecot.append(user, 'INBOX', raw);
    const { got, onMessage } = collector();
    const t0 = new Date();
    const reader = start(row, onMessage);
    await until('two messages', () => got.length >= 2);
    await synced(row.id, t0);
    const before = await folderState(row.id);

    await dovecot.setUidValidity(user, 'INBOX', 4242);
    await dovecot.append(user, 'INBOX', mail({ subject: 'Третье' }));
    const t1 = new Date();
    reader.wake();
    await until('the third message', () => got.length >= 3);
    await synced(row.id, t1);
    expect(got.map((m) => m.subject)).toEqual(['Первое', 'Второе', 'Третье']);
    expect(got[2]?.place.uidValidity).toBe(4242);
    expect(before?.uid_validity).not.toBe(4242);
    expect(await folderState(row.id)).toMatchObject({ uid_validity: 4242, last_uid: 3 });
    const rows = await recorded(row.id);
    expect(rows.filter((r) => r.uid_validity === 4242).map((r) => [r.uid, r.ignored])).toEqual([
      [1, 'already taken before the folder was renumbered (UIDVALIDITY)'],
      [2, 'already taken before the folder was renumbered (UIDVALIDITY)'],
      [3, null],
    ]);
    await reader.stop();
  });

  it('stopped mid-stream and started again: every message exactly once', async () => {
    const { user, row } = await newMailbox();
    for (let i = 0; i < 12; i++) await dovecot.append(user, 'INBOX', mail({ subject: `Поток ${i}` }));
    const seen: string[] = [];
    let reader: MailboxReader | null = null;
    let stopping: Promise<void> | null = null;
    reader = start(row, async (m) => {
      seen.push(m.subject ?? '');
      // Stop from inside the fifth delivery: the reader finishes it and goes.
      if (seen.length === 5) stopping = reader?.stop() ?? null;
    });
    await until('the stop', () => stopping !== null);
    await stopping;
    expect(seen).toHaveLength(5);
    expect((await folderState(row.id))?.last_uid).toBe(5);

    // A delivery that fails is offered again (same place) and recorded once when it succeeds.
    let failures = 0;
    const places: string[] = [];
    const second = start(row, async (m) => {
      places.push(`${m.place.uidValidity}/${m.place.uid}`);
      if (m.place.uid === 8 && failures++ < 2) throw new Error('database is busy');
      seen.push(m.subject ?? '');
      // The recommended contract: the lead's side records the place itself.
      await recordEmailMessage(database.db, m.place, { messageId: m.messageId, ignored: 'lead saved here' });
    });
    await until('all twelve', () => seen.length >= 12);
    await second.stop();
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `Поток ${i}`));
    expect(places.filter((p) => p.endsWith('/8'))).toHaveLength(3);
    const rows = await recorded(row.id);
    expect(rows.map((r) => r.uid)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(rows.slice(5).every((r) => r.ignored === 'lead saved here')).toBe(true);
  });

  it('auto-replies, bounces and list mail reach the callback marked with autoReason, and are recorded as ignored', async () => {
    const { user, row } = await newMailbox();
    await dovecot.append(
      user,
      'INBOX',
      mail({ subject: 'Out of office', headers: ['Auto-Submitted: auto-replied'] }),
    );
    await dovecot.append(
      user,
      'INBOX',
      mail({ from: 'MAILER-DAEMON@mx.shop.test', subject: 'Undelivered Mail Returned to Sender' }),
    );
    await dovecot.append(user, 'INBOX', mail({ subject: 'Новости', headers: ['List-Id: <news.shop.test>'] }));
    await dovecot.append(user, 'INBOX', mail({ subject: 'Рассылка', headers: ['Precedence: bulk'] }));
    await dovecot.append(user, 'INBOX', mail({ subject: 'Живой человек' }));
    const { got, onMessage } = collector();
    const t0 = new Date();
    const reader = start(row, onMessage);
    await until('five messages', () => got.length >= 5);
    await synced(row.id, t0);
    await reader.stop();
    expect(got.map((m) => [m.subject, m.autoReason])).toEqual([
      ['Out of office', 'auto-reply (Auto-Submitted: auto-replied)'],
      ['Undelivered Mail Returned to Sender', 'bounce (sender mailer-daemon@mx.shop.test)'],
      ['Новости', 'mailing list (List-Id: <news.shop.test>)'],
      ['Рассылка', 'bulk (Precedence: bulk)'],
      ['Живой человек', null],
    ]);
    expect((await recorded(row.id)).map((r) => r.ignored)).toEqual([...got.map((m) => m.autoReason)]);
  });

  it('reads over TLS with the certificate checked, several folders, and caps a huge message', async () => {
    const { user, row } = await newMailbox({ tls: true, folders: ['INBOX', 'Leads'] });
    await dovecot.append(user, 'Leads', mail({ subject: 'В папке Leads' }));
    await dovecot.append(
      user,
      'INBOX',
      mail({ subject: 'Огромное', body: `Начало.\n${'x'.repeat(300_000)}` }),
    );
    const { got, onMessage } = collector();
    const t0 = new Date();
    const reader = start(row, onMessage, { maxMessageBytes: 64 * 1024 });
    await until('both messages', () => got.length >= 2);
    await synced(row.id, t0);
    await reader.stop();
    const inLeads = got.find((m) => m.subject === 'В папке Leads');
    const huge = got.find((m) => m.subject === 'Огромное');
    expect(inLeads?.place.folder).toBe('Leads');
    expect(huge).toMatchObject({ truncated: true, place: { folder: 'INBOX' } });
    expect(huge?.text.startsWith('Начало.')).toBe(true);
    expect(huge?.text.length).toBeLessThan(70 * 1024);
    expect(await mailboxRow(database.db, row.id)).toMatchObject({ status: 'connected' });
  });

  it('errors become the status in the server’s words; the other mailboxes keep working', async () => {
    const good = await newMailbox();
    const { row: badPassword } = await newMailbox();
    await database.db
      .updateTable('mailboxes')
      .set({ password_enc: sealer.seal('wrong-password') })
      .where('id', '=', badPassword.id)
      .execute();
    const { row: tlsOnPlain } = await newMailbox();
    await database.db.updateTable('mailboxes').set({ tls: true }).where('id', '=', tlsOnPlain.id).execute();
    const { row: plainOnTls } = await newMailbox();
    await database.db
      .updateTable('mailboxes')
      .set({ port: dovecot.tlsPort })
      .where('id', '=', plainOnTls.id)
      .execute();
    const { row: refused } = await newMailbox();
    await database.db.updateTable('mailboxes').set({ port: 1 }).where('id', '=', refused.id).execute();
    const { row: noFolder } = await newMailbox({ folders: ['INBOX', 'Нет такой'] });

    const { got, onMessage } = collector();
    const noMessages = async () => {
      throw new Error('no message expected here');
    };
    start(good.row, onMessage);
    const ids = [badPassword.id, tlsOnPlain.id, plainOnTls.id, refused.id, noFolder.id];
    for (const id of ids) start(await mailboxRow(database.db, id), noMessages, { connectTimeoutMs: 2_000 });

    const statuses = await until(
      'every bad mailbox in error',
      async () => {
        const rows = await Promise.all(ids.map((id) => mailboxRow(database.db, id)));
        return rows.every((r) => r.status === 'error') ? rows : null;
      },
      15_000,
    );
    const words = Object.fromEntries(statuses.map((r) => [r.id, r.status_message ?? '']));
    expect(words[badPassword.id]).toBe(
      'Login refused by the server: Authentication failed. [AUTHENTICATIONFAILED]',
    );
    expect(words[tlsOnPlain.id]).toMatch(
      /^TLS handshake with 127\.0\.0\.1:\d+ failed \(.*wrong version number.*\)/,
    );
    expect(words[plainOnTls.id]).toMatch(/sent no IMAP greeting: is this a TLS port/);
    expect(words[refused.id]).toBe('Connection refused by 127.0.0.1:1 (nothing listens on that port)');
    expect(words[noFolder.id]).toBe("Нет такой: The server answered: Mailbox doesn't exist: Нет такой.");
    for (const w of Object.values(words)) expect(w).not.toMatch(/пароль|wrong-password/);

    // Meanwhile the good one reads on.
    await dovecot.append(good.user, 'INBOX', mail({ subject: 'Всё работает' }));
    await until('the good mailbox message', () => got.length >= 1);
    expect(await mailboxRow(database.db, good.row.id)).toMatchObject({ status: 'connected' });
  });

  it('testMailboxConnection reports the folders or the server’s words (a user added on the fly)', async () => {
    const user = 'late@shop.test';
    const password = 'late-secret';
    await dovecot.addUser(user, password);
    const ok = await testMailboxConnection(
      { host: dovecot.host, port: dovecot.tlsPort, tls: true, user, password, folders: ['INBOX'] },
      { guard: loopbackGuard, tls: { ca: dovecot.certificate } },
    );
    expect(ok).toEqual({ ok: true, folders: ['INBOX'] });
    const bad = await testMailboxConnection(
      {
        host: dovecot.host,
        port: dovecot.port,
        tls: false,
        user,
        password: 'nope',
      },
      { guard: loopbackGuard },
    );
    expect(bad).toEqual({
      ok: false,
      message: 'Login refused by the server: Authentication failed. [AUTHENTICATIONFAILED]',
    });
    const missing = await testMailboxConnection(
      {
        host: dovecot.host,
        port: dovecot.port,
        tls: false,
        user,
        password,
        folders: ['Leads'],
      },
      { guard: loopbackGuard },
    );
    expect(missing).toEqual({ ok: false, message: 'No such folder on the server: Leads (there are: INBOX)' });
  });
});
