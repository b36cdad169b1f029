import { sql } from 'kysely';
import type { Db } from '../connection.js';
import type { Integration, IntegrationKind, IntegrationsTable, OAuthStatesTable } from '../schema.js';
import { addIntegrationLog } from './integration-log.js';

/** The project's integration of this kind, connected or not. */
export function findIntegration(
  db: Db,
  projectId: string,
  kind: IntegrationKind,
): Promise<Integration | undefined> {
  return db
    .selectFrom('integrations')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('kind', '=', kind)
    .executeTakeFirst();
}

export function findIntegrationById(db: Db, id: string): Promise<Integration | undefined> {
  return db.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The integrations of this kind with tokens (a waiting OAuth connection has none) in these projects. */
export function connectedIntegrations(
  db: Db,
  kind: IntegrationKind,
  projectIds: string[],
): Promise<Array<{ id: string; project_id: string }>> {
  return db
    .selectFrom('integrations')
    .select(['id', 'project_id'])
    .where('kind', '=', kind)
    .where('project_id', 'in', projectIds)
    .where('access_token_enc', 'is not', null)
    .execute();
}

/** The connection columns of an integrations row: where the account is and how Leadtrail signs in. */
export type ConnectionColumns = Pick<
  IntegrationsTable,
  | 'base_url'
  | 'auth'
  | 'client_id'
  | 'client_secret_enc'
  | 'redirect_uri'
  | 'access_token_enc'
  | 'refresh_token_enc'
  | 'access_expires_at'
  | 'remote_account_id'
  | 'tokens_refreshed_at'
>;

/**
 * Creates the project's integration of this kind with `initialSettings`, or replaces the
 * connection of the existing one (its settings are kept).
 */
export function saveIntegrationConnection(
  db: Db,
  projectId: string,
  kind: IntegrationKind,
  connection: ConnectionColumns,
  initialSettings: unknown,
): Promise<Integration> {
  const values = { ...connection, updated_at: new Date() };
  return db
    .insertInto('integrations')
    .values({ project_id: projectId, kind, settings: JSON.stringify(initialSettings), ...values })
    .onConflict((oc) => oc.columns(['project_id', 'kind']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function saveIntegrationSettings(db: Db, id: string, settings: unknown): Promise<Integration> {
  return db
    .updateTable('integrations')
    .set({ settings: JSON.stringify(settings), updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The account id the remote side reported for the connection. */
export async function setRemoteAccountId(db: Db, id: string, accountId: number): Promise<void> {
  await db.updateTable('integrations').set({ remote_account_id: accountId }).where('id', '=', id).execute();
}

/** Disconnects: the row goes with its tokens and settings. False when there was none. */
export async function deleteIntegration(db: Db, projectId: string, kind: IntegrationKind): Promise<boolean> {
  const r = await db
    .deleteFrom('integrations')
    .where('project_id', '=', projectId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// ------------------------------------------------------------------------------ OAuth tokens

/** The columns a token refresh reads. */
export const TOKEN_COLUMNS = [
  'auth',
  'base_url',
  'client_id',
  'client_secret_enc',
  'redirect_uri',
  'access_token_enc',
  'refresh_token_enc',
  'access_expires_at',
] as const;

export type TokenColumns = Pick<IntegrationsTable, (typeof TOKEN_COLUMNS)[number]>;

export function findIntegrationTokens(db: Db, id: string): Promise<TokenColumns | undefined> {
  return db.selectFrom('integrations').select(TOKEN_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** The same, with the row locked for the rest of the transaction: refreshes take turns on it. */
export function lockIntegrationTokens(trx: Db, id: string): Promise<TokenColumns | undefined> {
  return trx
    .selectFrom('integrations')
    .select(TOKEN_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** A refreshed token pair, sealed, and the host that issued it. */
export async function saveRefreshedTokens(
  db: Db,
  id: string,
  p: Pick<IntegrationsTable, 'access_token_enc' | 'refresh_token_enc' | 'access_expires_at' | 'base_url'> & {
    refreshedAt: Date;
  },
): Promise<void> {
  const { refreshedAt, ...columns } = p;
  await db
    .updateTable('integrations')
    .set({ ...columns, tokens_refreshed_at: refreshedAt, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

// ------------------------------------------------------------------------------ OAuth states

export type NewOAuthState = Pick<
  OAuthStatesTable,
  'state_hash' | 'project_id' | 'kind' | 'payload_enc' | 'expires_at'
>;

export async function insertOAuthState(db: Db, s: NewOAuthState): Promise<void> {
  await db.insertInto('oauth_states').values(s).execute();
}

/** Takes the state (single use): the row is deleted and returned, expired or not. */
export function claimOAuthState(
  db: Db,
  stateHash: string,
): Promise<{ project_id: string; kind: IntegrationKind; payload_enc: string; expires_at: Date } | undefined> {
  return db
    .deleteFrom('oauth_states')
    .where('state_hash', '=', stateHash)
    .returning(['project_id', 'kind', 'payload_enc', 'expires_at'])
    .executeTakeFirst();
}

// ------------------------------------------------------------------------------ pauses

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
    await addIntegrationLog(trx, {
      projectId: row.project_id,
      destination: row.kind,
      leadId: null,
      level: 'error',
      message: reason,
    });
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
