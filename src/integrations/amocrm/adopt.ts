/**
 * Taking over what exists instead of creating it again: what an earlier request created for the
 * lead (found by its marker field), and the deal amoCRM's duplicate control merged the lead into.
 */
import { markDeliveryMerged } from '../../db/queries/deliveries.js';
import type { Delivery, Lead } from '../../db/schema.js';
import { readField } from './client.js';
import { type ComplexResult, ENTITY } from './entity-api.js';
import { ENTITIES, type Entity } from './settings.js';
import { type Ctx, created, isDue, log, settle } from './sync-state.js';

/** Finds what an earlier request created for this lead (by the marker field) and records it. */
export async function adoptCreated(ctx: Ctx, lead: Lead, pending: Delivery[]): Promise<void> {
  for (const d of pending) {
    const entity = d.entity as Entity;
    const field = ctx.settings.markerFields[entity];
    if (!field) continue;
    const found = await ENTITY[entity].find(ctx.client, lead.id);
    const mine = found.find((x) => readField(x, field).some((v) => v.value === lead.id));
    if (mine) await created(ctx, lead, d, mine.id, entity);
  }
}

/**
 * amoCRM's duplicate control merged the lead into an existing deal (and contact): nothing was
 * created, so they are treated as found ones (mode 2): updated with this lead's parameters unless
 * their GA client id belongs to another visitor.
 */
export async function mergedInto(
  ctx: Ctx,
  lead: Lead,
  ds: Map<Entity, Delivery>,
  r: ComplexResult,
): Promise<void> {
  const found: string[] = [];
  for (const entity of ENTITIES) {
    const d = ds.get(entity);
    if (!isDue(d)) continue;
    const id = ENTITY[entity].complexId(r);
    if (id === null) {
      await settle(
        ctx,
        [d],
        'skipped',
        `amoCRM's duplicate control merged the lead into an existing deal without a ${entity}`,
      );
      continue;
    }
    await markDeliveryMerged(ctx.db, d.id, id);
    Object.assign(d, { remote_id: id, mode: 'update', state: 'pending', reason: null, synced_params: null });
    found.push(`${entity} ${id}`);
  }
  await log(
    ctx,
    lead.id,
    'info',
    `merged into an existing deal by amoCRM's duplicate control: ${found.join(', ')} found, not created; updated like found ones`,
  );
}
