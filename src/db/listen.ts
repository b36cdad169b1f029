import { sql } from 'kysely';
import type { Db } from './connection.js';

/** Announces on a channel to every listening session; inside a transaction it is sent on commit. */
export async function notify(db: Db, channel: string, payload = ''): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(db);
}
