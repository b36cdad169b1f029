import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { type Db, poolOf } from '../db/connection.js';
import { notify, subscribe } from '../db/listen.js';
import { listLiveMailboxes, tryLockMailbox, unlockMailbox } from '../db/queries/mailboxes.js';
import type { AddressGuard } from '../delivery/address-guard.js';
import type { Logger } from '../logger.js';
import { Sealer } from '../security/sealed.js';
import {
  MAILBOX_PASSWORD_PURPOSE,
  type Mailbox,
  type MailboxReader,
  type OnMessage,
  startMailboxReader,
} from './mailbox-reader.js';

export interface MailboxPollerOptions {
  secretKey: string;
  onMessage: OnMessage;
  /** checks each mailbox host on every connection */
  guard: AddressGuard;
  /** see MailboxReaderOptions.pollSeconds (default 30) */
  pollSeconds?: number;
  /** how often the table is read again and mailboxes held elsewhere are tried (default 30) */
  claimSeconds?: number;
  idle?: boolean;
  tls?: ConnectionOptions;
  backoff?: { minMs?: number; maxMs?: number };
  maxMessageBytes?: number;
}

export interface MailboxPollers {
  /** reads the table again now: mailboxes added, removed or changed; resolves after the pass */
  refresh(): Promise<void>;
  /** stops every reader (logs out) and lets go of the mailboxes */
  stop(): Promise<void>;
  /** ids of the mailboxes this process reads now */
  held(): string[];
}

/** Every process's pollers listen here and read the table again at once. */
const CHANNEL = 'leadtrail_mailboxes';

/**
 * Tells the pollers of every process that mailboxes were added, changed or removed, so they read
 * the table now rather than at their next periodic look. Call it after saving mailbox settings
 * (inside a transaction it is sent on commit).
 */
export async function notifyMailboxesChanged(db: Db): Promise<void> {
  await notify(db, CHANNEL);
}

/**
 * One reader per mailbox across all processes: before reading a mailbox a process takes a
 * session-level advisory lock on it, on a connection of its own held as long as it reads. Another
 * process skips a held mailbox and tries again later; when the holder dies its connection closes,
 * the lock goes with it and the next try elsewhere takes over. A change announced on CHANNEL (or a
 * reconnect of that listener, which may have missed one) reads the table again at once.
 */
export function startMailboxPollers(db: Db, logger: Logger, options: MailboxPollerOptions): MailboxPollers {
  const sealer = new Sealer(options.secretKey, MAILBOX_PASSWORD_PURPOSE);
  const held = new Map<string, { reader: MailboxReader; fingerprint: string }>();
  let lockClient: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let stopped = false;
  let pass: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;

  const startReader = (row: Mailbox) =>
    startMailboxReader(row, {
      db,
      logger,
      sealer,
      guard: options.guard,
      onMessage: options.onMessage,
      pollSeconds: options.pollSeconds,
      idle: options.idle,
      tls: options.tls,
      backoff: options.backoff,
      maxMessageBytes: options.maxMessageBytes,
    });

  /** The lock connection is gone: so are the locks. Another process may read those mailboxes now. */
  const lockLost = (client: pg.Client, err?: unknown) => {
    if (lockClient !== client) return;
    lockClient = null;
    if (!stopped) logger.warn({ err }, 'mailbox lock connection lost: readers stopped until it is back');
    const readers = [...held.values()].map((h) => h.reader);
    held.clear();
    void Promise.all(readers.map((r) => r.stop()));
    client.end().catch(() => undefined);
  };

  const locks = async (): Promise<pg.Client> => {
    if (lockClient) return lockClient;
    connecting ??= (async () => {
      const client = new pg.Client({
        ...poolOf(db).options,
        keepAlive: true,
        application_name: 'leadtrail mailbox locks',
      });
      client.on('error', (err) => lockLost(client, err));
      client.on('end', () => lockLost(client));
      try {
        await client.connect();
        if (stopped) throw new Error('mailbox pollers stopped');
      } catch (err) {
        client.end().catch(() => undefined);
        throw err;
      }
      lockClient = client;
      return client;
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  };

  const unlock = async (id: string): Promise<void> => {
    if (lockClient) await unlockMailbox(lockClient, id).catch(() => undefined);
  };

  const runPass = async (): Promise<void> => {
    if (stopped) return;
    let client: pg.Client;
    let rows: Mailbox[];
    try {
      // The first pass waits for the listener, so that a change announced after it is heard.
      await changes.ready;
      client = await locks();
      rows = await listLiveMailboxes(db);
    } catch (err) {
      logger.warn({ err }, 'mailboxes not read: will try again');
      return;
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const [id, h] of held) {
      const row = byId.get(id);
      if (row && fingerprint(row) === h.fingerprint) continue;
      // Removed or changed: the reader of the old settings goes.
      held.delete(id);
      await h.reader.stop();
      if (!row) await unlock(id);
      else if (!stopped && lockClient === client)
        held.set(id, { reader: startReader(row), fingerprint: fingerprint(row) });
    }
    for (const row of rows) {
      if (stopped || lockClient !== client) return;
      if (held.has(row.id)) continue;
      try {
        if (!(await tryLockMailbox(client, row.id))) continue;
      } catch (err) {
        logger.warn({ err }, 'mailbox lock not taken');
        return;
      }
      if (stopped || lockClient !== client) return;
      held.set(row.id, { reader: startReader(row), fingerprint: fingerprint(row) });
      logger.debug({ mailbox: row.id }, 'mailbox taken by this process');
    }
  };

  const refresh = (): Promise<void> => {
    // One pass at a time; calls during a pass share the one after it.
    if (queued) return queued;
    const next = pass
      .then(() => {
        queued = null;
        return runPass();
      })
      .catch((err) => logger.error({ err }, 'mailbox pollers pass failed'));
    queued = next;
    pass = next;
    return next;
  };

  const changes = subscribe(db, {
    channel: CHANNEL,
    applicationName: 'leadtrail mailbox changes',
    logger,
    lostMessage: 'mailbox change listener lost: the mailboxes are read periodically until it is back',
    onNotification: () => void refresh(),
    onListening: () => void refresh(),
  });
  const timer = setInterval(() => void refresh(), (options.claimSeconds ?? 30) * 1000);
  timer.unref();
  void refresh();

  return {
    refresh,
    held: () => [...held.keys()],
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await changes.close();
      await pass;
      const readers = [...held.values()].map((h) => h.reader);
      held.clear();
      await Promise.all(readers.map((r) => r.stop()));
      // Closing the session lets go of every lock it holds.
      const client = lockClient;
      lockClient = null;
      await client?.end().catch(() => undefined);
    },
  };
}

function fingerprint(m: Mailbox): string {
  return JSON.stringify([
    m.host,
    m.port,
    m.tls,
    m.username,
    m.password_enc,
    m.folders,
    m.since.toISOString(),
  ]);
}
