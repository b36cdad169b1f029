import type { Insertable } from 'kysely';
import type { Db } from '../connection.js';
import type { DeliveriesTable, Delivery, DeliveryState, IntegrationKind } from '../schema.js';

/** A lead's deliveries, one per integration and entity, oldest first. */
export function listLeadDeliveries(db: Db, leadId: string): Promise<Delivery[]> {
  return db
    .selectFrom('deliveries')
    .selectAll()
    .where('lead_id', '=', leadId)
    .orderBy('created_at')
    .orderBy('entity')
    .execute();
}

/** The delivery by id when it belongs to a project of the account. */
export function findAccountDelivery(db: Db, accountId: string, id: string): Promise<Delivery | undefined> {
  return db
    .selectFrom('deliveries')
    .innerJoin('projects', 'projects.id', 'deliveries.project_id')
    .selectAll('deliveries')
    .where('deliveries.id', '=', id)
    .where('projects.account_id', '=', accountId)
    .executeTakeFirst();
}

/** Back to pending with a clean slate; a window already over reopens from now. */
export function resetDeliveryForRetry(db: Db, id: string): Promise<Delivery> {
  return db
    .updateTable('deliveries')
    .set({
      state: 'pending',
      reason: null,
      last_error: null,
      attempts: 0,
      window_ends_at: (eb) => eb.fn('greatest', [eb.ref('window_ends_at'), eb.val(new Date())]),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Created entities still waiting for visit data after their window: done. Returns how many. */
export async function closeExpiredDeliveryWindows(db: Db): Promise<number> {
  const r = await db
    .updateTable('deliveries')
    .set({ state: 'done', reason: 'no visit data arrived within the window', updated_at: new Date() })
    .where('state', '=', 'waiting')
    .where('window_ends_at', '<', new Date())
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The rows not stored yet are added; a lead's existing row for an entity is left as it is. */
export async function insertMissingDeliveries(db: Db, rows: Insertable<DeliveriesTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('deliveries')
    .values(rows)
    .onConflict((oc) => oc.columns(['lead_id', 'destination', 'entity']).doNothing())
    .execute();
}

/** Every delivery of these leads to one destination. */
export function findLeadsDeliveries(
  db: Db,
  destination: IntegrationKind,
  leadIds: string[],
): Promise<Delivery[]> {
  return db
    .selectFrom('deliveries')
    .selectAll()
    .where('destination', '=', destination)
    .where('lead_id', 'in', leadIds)
    .execute();
}

/** A new state and the reason it is in it (with the last error, when given). */
export async function setDeliveriesState(
  db: Db,
  ids: string[],
  p: { state: DeliveryState; reason: string | null; last_error?: string | null },
): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ ...p, updated_at: new Date() })
    .where('id', 'in', ids)
    .execute();
}

/** A failure that will be retried: the error is noted, the state stays. */
export async function noteDeliveriesError(db: Db, ids: string[], lastError: string): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ last_error: lastError, updated_at: new Date() })
    .where('id', 'in', ids)
    .execute();
}

/** Marks that a create request is about to leave: a retry then searches for what it created first. */
export async function markDeliveriesIntent(db: Db, ids: string[]): Promise<void> {
  await db
    .updateTable('deliveries')
    .set((eb) => ({ intent_at: new Date(), attempts: eb('attempts', '+', 1), updated_at: new Date() }))
    .where('id', 'in', ids)
    .execute();
}

/** The remote entity was created: its id, what was written, and done or waiting for the visit data. */
export async function markDeliveryCreated(
  db: Db,
  id: string,
  p: { remoteId: number; state: DeliveryState; reason: string | null; syncedParams: string },
): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({
      remote_id: p.remoteId,
      state: p.state,
      reason: p.reason,
      synced_params: p.syncedParams,
      last_error: null,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

/** An existing remote entity was found for it: it is updated next. */
export async function markDeliveryFound(db: Db, id: string, remoteId: number): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ remote_id: remoteId, state: 'pending', reason: null, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/**
 * The remote side merged the created entity into an existing one: the delivery becomes a found
 * one (mode update), with nothing written yet.
 */
export async function markDeliveryMerged(db: Db, id: string, remoteId: number): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({
      remote_id: remoteId,
      mode: 'update',
      state: 'pending',
      reason: null,
      synced_params: null,
      last_error: null,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

/** The remote entity holds these parameters now. */
export async function markDeliveryDone(db: Db, id: string, syncedParams: string): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({
      synced_params: syncedParams,
      state: 'done',
      reason: null,
      last_error: null,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

/** Not found yet: searching again later, one attempt more. */
export async function markDeliveriesSearching(db: Db, ids: string[], reason: string): Promise<void> {
  await db
    .updateTable('deliveries')
    .set((eb) => ({ state: 'searching', reason, attempts: eb('attempts', '+', 1), updated_at: new Date() }))
    .where('id', 'in', ids)
    .execute();
}
