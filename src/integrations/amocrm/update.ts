/**
 * Writing the lead's mapped parameters to its entities while the window is open: created ones
 * (mode 1) when attribution appears or changes, found ones (mode 2) once found — unless another
 * lead's GA client id is already there.
 */
import { markDeliveryDone } from '../../db/queries/deliveries.js';
import type { Delivery, Lead } from '../../db/schema.js';
import { readField, tagRefs } from './client.js';
import { ENTITY } from './entity-api.js';
import { searchLead, windowOpen } from './search.js';
import type { Entity } from './settings.js';
import { type Ctx, failed, hold, log, settle } from './sync-state.js';
import { mappedValues } from './values.js';

export async function updateLead(ctx: Ctx, lead: Lead, ds: Delivery[]): Promise<void> {
  if (ctx.paused) {
    // Only what still has to reach amoCRM waits: a created entity with nothing new stays as it is.
    await hold(
      ctx,
      ds.filter((d) => d.remote_id === null || d.state === 'pending' || d.state === 'paused'),
    );
    return;
  }
  const open = ds.filter((d) => d.state !== 'skipped' && d.state !== 'failed');

  const searching = open.filter((d) => d.mode === 'update' && d.remote_id === null);
  if (searching.length > 0) await searchLead(ctx, lead, searching);

  for (const d of open.filter((x) => x.remote_id !== null && x.state !== 'failed' && x.state !== 'skipped')) {
    if (!windowOpen(ctx, d) && d.mode === 'create') continue;
    const entity = d.entity as Entity;
    const values = mappedValues(ctx.settings.entities[entity], lead);
    const json = JSON.stringify(values);
    if (json === d.synced_params && d.mode === 'create') {
      if (lead.attributed_at && d.state === 'waiting') await settle(ctx, [d], 'done', null);
      continue;
    }
    try {
      const guard = await gaGuard(ctx, entity, d.remote_id as number, lead);
      if (guard) {
        await settle(ctx, [d], 'done', guard, { last_error: null });
        continue;
      }
      const body = { id: d.remote_id as number, custom_fields_values: values, tags_to_add: tagRefs(ctx.tag) };
      await ENTITY[entity].update(ctx.client, [body]);
      await markDeliveryDone(ctx.db, d.id, json);
      await log(ctx, lead.id, 'info', `${entity} ${d.remote_id} updated with the lead's parameters`);
    } catch (err) {
      await failed(ctx, [d], err);
    }
  }
}

/**
 * Another lead's attribution wins: when the entity's GA client id field already holds a value
 * that is not this lead's, it is left as it is. (A value this lead wrote itself does not block
 * its own richer update.)
 */
async function gaGuard(ctx: Ctx, entity: Entity, id: number, lead: Lead): Promise<string | null> {
  const ga = ctx.settings.entities[entity].fields.ga_client_id;
  if (!ga || ga === 'skip') return null;
  const current = await ENTITY[entity].get(ctx.client, id);
  if (!current) return null;
  const held = readField(current, ga.fieldId)
    .map((v) => String(v.value ?? ''))
    .find((v) => v !== '');
  const own = lead.params.ga_client_id ?? null;
  if (held === undefined || held === own) return null;
  return `not updated: its GA client id field already holds ${held}`;
}
