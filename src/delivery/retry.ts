import type { Db } from '../db/connection.js';
import { findAccountDelivery, resetDeliveryForRetry } from '../db/queries/deliveries.js';
import { addLeadEvent } from '../db/queries/leads.js';
import type { Delivery } from '../db/schema.js';

/**
 * Sends a delivery again: it is reset, and the lead's sync is queued again through the outbox, so
 * it is picked up like any new event (and at once by a running worker). Undefined when the account
 * has no such delivery.
 */
export async function retryDelivery(db: Db, accountId: string, id: string): Promise<Delivery | undefined> {
  const d = await findAccountDelivery(db, accountId, id);
  if (!d) return undefined;
  return db.transaction().execute(async (trx) => {
    const row = await resetDeliveryForRetry(trx, d.id);
    await addLeadEvent(trx, d.project_id, d.lead_id, 'lead.retry');
    return row;
  });
}
