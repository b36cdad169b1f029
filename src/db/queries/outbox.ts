import { sql } from 'kysely';
import type { Db } from '../connection.js';

// The lead outbox (lead_events, written in the lead's own transaction) as the dispatcher turns it
// into jobs (pg-boss's pgboss.job), both in one transaction.

/**
 * Marks up to `limit` undispatched events dispatched, oldest first, skipping those another
 * dispatcher holds; returns them. Meant for a transaction that also sends their jobs.
 */
export function claimLeadEvents(trx: Db, limit: number) {
  return trx
    .updateTable('lead_events')
    .set({ dispatched_at: new Date() })
    .where(
      'id',
      'in',
      trx
        .selectFrom('lead_events')
        .select('id')
        .where('dispatched_at', 'is', null)
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'project_id', 'lead_id', 'type'])
    .execute();
}

/** A job already queued for this key to start later (a search that looks again in minutes) starts now. */
export async function startQueuedJobNow(trx: Db, queue: string, singletonKey: string): Promise<void> {
  await sql`update pgboss.job set start_after = now()
            where name = ${queue} and singleton_key = ${singletonKey} and state in ('created', 'retry')
              and start_after > now()`.execute(trx);
}
