import type { Db } from '../connection.js';
import type { Delivery } from '../schema.js';

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
