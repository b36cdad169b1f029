import { sql } from 'kysely';
import pg from 'pg';
import { type Backoff, backoffDelay } from '../backoff.js';
import type { Logger } from '../logger.js';
import { type Db, poolOf } from './connection.js';

// PostgreSQL's LISTEN/NOTIFY: one process tells every other (and itself) that something changed.

/** Announces on a channel to every listening session; inside a transaction it is sent on commit. */
export async function notify(db: Db, channel: string, payload = ''): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(db);
}

export interface SubscribeOptions {
  channel: string;
  /** names the connection in pg_stat_activity */
  applicationName: string;
  /** an announcement on the channel, with its payload */
  onNotification(payload: string | undefined): void;
  /**
   * After every connect, the first included, once the channel is listened to: whatever was
   * announced while nobody listened is unknown, so look at the database again.
   */
  onListening?(): void;
  logger?: Logger;
  /** the warning logged when the connection is lost or cannot be made (it is tried again) */
  lostMessage: string;
  /** reconnect delays (default 1 s doubling up to 30 s, with jitter) */
  backoff?: Backoff;
}

export interface Subscription {
  /** true while the channel is listened to: nothing announced now is missed */
  readonly listening: boolean;
  /** resolves once the first attempt is over: listening, or failed (and to be tried again) */
  readonly ready: Promise<void>;
  /** stops listening and trying again; resolves when the connection is closed */
  close(): Promise<void>;
}

/**
 * Listens to a channel on a connection of its own (outside the pool, kept alive), and when that
 * connection is lost or cannot be made, connects again after a backoff, for as long as it is open.
 */
export function subscribe(db: Db, o: SubscribeOptions): Subscription {
  const backoff = o.backoff ?? { minMs: 1_000, maxMs: 30_000 };
  let client: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ ...poolOf(db).options, keepAlive: true, application_name: o.applicationName });
    client = c;
    const lost = (err?: unknown) => {
      if (client !== c) return;
      client = null;
      listening = false;
      c.end().catch(() => undefined);
      if (closed) return;
      failures++;
      o.logger?.warn({ err }, o.lostMessage);
      retry = setTimeout(() => void connect(), backoffDelay(failures, backoff));
      retry.unref();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (n) => o.onNotification(n.payload));
    try {
      await c.connect();
      await c.query(`listen ${c.escapeIdentifier(o.channel)}`);
      if (client !== c) return;
      failures = 0;
      listening = true;
      o.onListening?.();
    } catch (err) {
      lost(err);
    }
  };

  const ready = connect();
  return {
    get listening() {
      return listening;
    },
    ready,
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = null;
      listening = false;
      await c?.end().catch(() => undefined);
    },
  };
}
