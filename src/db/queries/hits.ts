import { sql } from 'kysely';
import type { PoolClient } from 'pg';
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

/** What collect_batch wrote that the caller acts on: new events and new visitors. */
export interface CollectedRow {
  kind: 'event' | 'visitor';
  project_id: string;
  id: string;
}

/**
 * Writes one collector batch with the collect_batch function (migration 0004). A named prepared
 * statement on a pg client, not Kysely: it is the hot path of every page view, and the caller
 * holds the client for its own transaction. `fast` answers nothing and raises LT001 when the
 * batch must be written in the caller's transaction instead (a lead waits for its visitor).
 */
export async function collectBatch(
  client: PoolClient,
  batchJson: string,
  idle: string,
  staleProjects: string[],
  fast: boolean,
): Promise<CollectedRow[]> {
  const r = await client.query<CollectedRow>({
    name: fast ? 'lt_collect_fast' : 'lt_collect_full',
    text: `select * from collect_batch($1::json, $2::interval, ${fast}, $3::uuid[])`,
    values: [batchJson, idle, staleProjects],
  });
  return r.rows;
}
