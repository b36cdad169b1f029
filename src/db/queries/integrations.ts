import { sql } from 'kysely';
import type { Db } from '../connection.js';
import type { IntegrationKind } from '../schema.js';

/** The delivery states that still have something to send. */
const OPEN = ['pending', 'waiting', 'searching'] as const;

/**
 * Marks the integration paused (a pause that was given up on starts anew) and says why; the
 * probe is due at nextProbeAt.
 */
export async function pauseIntegration(
  db: Db,
  id: string,
  p: { reason: string; status: number | null; now: Date; nextProbeAt: Date; probeUntil: Date },
): Promise<void> {
  await db
    .updateTable('integrations')
    .set((eb) => ({
      paused_at: eb.case().when('next_probe_at', 'is', null).then(p.now).else(eb.ref('paused_at')).end(),
      probe_until: eb
        .case()
        .when('next_probe_at', 'is', null)
        .then(p.probeUntil)
        .else(eb.ref('probe_until'))
        .end(),
      pause_reason: p.reason,
      pause_status: p.status,
      next_probe_at: p.nextProbeAt,
    }))
    .where('id', '=', id)
    .execute();
}

/** The next probe time, and the account's latest words when it said something new. */
export async function scheduleProbe(
  db: Db,
  id: string,
  p: { nextProbeAt: Date; reason?: string; status?: number | null },
): Promise<void> {
  await db
    .updateTable('integrations')
    .set({
      next_probe_at: p.nextProbeAt,
      ...(p.reason === undefined ? {} : { pause_reason: p.reason, pause_status: p.status ?? null }),
    })
    .where('id', '=', id)
    .where('paused_at', 'is not', null)
    .execute();
}

/**
 * While the integration is paused and probing, the leads' open deliveries wait ('paused') with
 * the account's reason; false (nothing changed) when it is not paused. The row is locked so a
 * resume, which takes the same lock, either sees these held deliveries or has already run.
 */
export function holdDeliveries(
  db: Db,
  integrationId: string,
  leadIds: string[],
  reasonFor: (reason: string, nextProbe: Date) => string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('integrations')
      .select(['project_id', 'kind', 'pause_reason', 'next_probe_at'])
      .where('id', '=', integrationId)
      .forShare()
      .executeTakeFirst();
    if (!row || row.next_probe_at === null) return false;
    if (leadIds.length > 0)
      await trx
        .updateTable('deliveries')
        .set({
          state: 'paused',
          reason: reasonFor(row.pause_reason ?? 'refused', row.next_probe_at),
          updated_at: new Date(),
        })
        .where('project_id', '=', row.project_id)
        .where('destination', '=', row.kind)
        .where('lead_id', 'in', leadIds)
        .where('state', 'in', OPEN)
        .execute();
    return true;
  });
}

/**
 * The account answers again: the pause ends and every waiting delivery's lead is queued once
 * more through the outbox (one event per lead), in one transaction with the row lock.
 * Returns how many leads were queued.
 */
export function resumeIntegration(db: Db, id: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('integrations')
      .set({
        paused_at: null,
        pause_reason: null,
        pause_status: null,
        next_probe_at: null,
        probe_until: null,
      })
      .where('id', '=', id)
      .returning(['project_id', 'kind'])
      .executeTakeFirst();
    if (!row) return 0;
    const leads = await trx
      .updateTable('deliveries')
      .set({ state: 'pending', reason: null, updated_at: new Date() })
      .where('project_id', '=', row.project_id)
      .where('destination', '=', row.kind)
      .where('state', '=', 'paused')
      .returning('lead_id')
      .execute();
    const ids = [...new Set(leads.map((l) => l.lead_id))];
    if (ids.length > 0)
      await trx
        .insertInto('lead_events')
        .values(ids.map((lead_id) => ({ project_id: row.project_id, lead_id, type: 'lead.retry' as const })))
        .execute();
    return ids.length;
  });
}

/** Three days of refusals: the waiting deliveries fail (a user may retry them); probing stops. */
export function giveUpPause(db: Db, id: string, reason: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('integrations')
      .set({ next_probe_at: null })
      .where('id', '=', id)
      .returning(['project_id', 'kind'])
      .executeTakeFirst();
    if (!row) return 0;
    const failed = await trx
      .updateTable('deliveries')
      .set({ state: 'failed', reason, last_error: reason, updated_at: new Date() })
      .where('project_id', '=', row.project_id)
      .where('destination', '=', row.kind)
      .where('state', '=', 'paused')
      .executeTakeFirst();
    await trx
      .insertInto('integration_log')
      .values({
        project_id: row.project_id,
        destination: row.kind,
        lead_id: null,
        level: 'error',
        message: reason,
      })
      .execute();
    return Number(failed.numUpdatedRows);
  });
}

/** A pause that was given up on ends once a sync gets through to the account again. */
export async function clearGivenUpPause(db: Db, id: string): Promise<void> {
  await db
    .updateTable('integrations')
    .set({ paused_at: null, pause_reason: null, pause_status: null, probe_until: null })
    .where('id', '=', id)
    .where('paused_at', 'is not', null)
    .where('next_probe_at', 'is', null)
    .execute();
}

/** OAuth integrations whose tokens were last refreshed before `before` (refresh tokens die unused). */
export function staleOAuthIntegrations(db: Db, before: Date): Promise<Array<{ id: string }>> {
  return db
    .selectFrom('integrations')
    .select('id')
    .where('auth', '=', 'oauth')
    .where('refresh_token_enc', 'is not', null)
    .where(sql<boolean>`coalesce(tokens_refreshed_at, created_at) < ${before}`)
    .execute();
}

/** The base URL of the project's integration of this kind (links to remote entities), if any. */
export async function integrationBaseUrl(
  db: Db,
  projectId: string,
  kind: IntegrationKind,
): Promise<string | null> {
  const row = await db
    .selectFrom('integrations')
    .select('base_url')
    .where('project_id', '=', projectId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row?.base_url ?? null;
}
