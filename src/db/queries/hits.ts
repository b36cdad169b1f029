import { sql } from 'kysely';
import type { Db } from '../connection.js';

/** Creates the partition `name` of `hits` for [from, to) unless it exists (DDL: no parameters). */
export async function createHitsPartition(db: Db, name: string, from: string, to: string): Promise<void> {
  await sql`create table if not exists ${sql.table(name)} partition of hits for values from (${sql.lit(from)}) to (${sql.lit(to)})`.execute(
    db,
  );
}

/**
 * Forgets the tracker event ids received over a week ago: retried events arrive within minutes,
 * so a week of ids is plenty to recognise them. Returns how many.
 */
export async function deleteOldCollectedEvents(db: Db): Promise<number> {
  const r = await db
    .deleteFrom('collected_events')
    .where('received_at', '<', sql<Date>`now() - interval '7 days'`)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
