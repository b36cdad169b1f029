/** Mode 2: finding the lead's contact, deal and company by its e-mail, again and again until the window closes. */
import { markDeliveriesSearching, markDeliveryFound } from '../../db/queries/deliveries.js';
import type { Delivery, Lead } from '../../db/schema.js';
import { findByEmail } from './find.js';
import type { Entity } from './settings.js';
import { AMO_QUEUE, type AmoJob, type Ctx, failed, log, settle } from './sync-state.js';

const SEARCH_STEPS_S = [15, 30, 60, 120, 300, 600, 900];

export const windowOpen = (ctx: Ctx, d: Delivery): boolean => d.window_ends_at.getTime() > ctx.now.getTime();

/**
 * Looks for the entities of these deliveries (mode 2, not found yet) and records what it finds;
 * the rest are skipped once their window closed, or looked for again later.
 */
export async function searchLead(ctx: Ctx, lead: Lead, searching: Delivery[]): Promise<void> {
  if (!lead.email) {
    await settle(ctx, searching, 'skipped', 'the lead has no e-mail to find it by in amoCRM');
    return;
  }
  try {
    const found = await findByEmail(ctx.client, lead.email);
    for (const d of searching) {
      const id = found[d.entity as Entity];
      if (id) {
        await markDeliveryFound(ctx.db, d.id, id);
        Object.assign(d, { remote_id: id, state: 'pending' });
        await log(ctx, lead.id, 'info', `${d.entity} ${id} found by the lead's e-mail`);
      }
    }
  } catch (err) {
    await failed(ctx, searching, err);
  }
  const still = searching.filter((d) => d.remote_id === null && d.state !== 'failed');
  const closed = still.filter((d) => !windowOpen(ctx, d));
  await settle(
    ctx,
    closed,
    'skipped',
    `not found in amoCRM within ${ctx.settings.windowMinutes} minutes (by the e-mail ${lead.email})`,
  );
  const waiting = still.filter((d) => windowOpen(ctx, d));
  if (waiting.length > 0) await searchAgain(ctx, lead, waiting);
}

/** Look again later, sooner at first, never past the window. */
async function searchAgain(ctx: Ctx, lead: Lead, ds: Delivery[]): Promise<void> {
  const attempt = Math.max(...ds.map((d) => d.attempts));
  const step = SEARCH_STEPS_S[Math.min(attempt, SEARCH_STEPS_S.length - 1)] ?? 900;
  const end = Math.min(...ds.map((d) => d.window_ends_at.getTime()));
  const at = new Date(Math.min(ctx.now.getTime() + step * 1000, end + 1000));
  await markDeliveriesSearching(
    ctx.db,
    ds.map((d) => d.id),
    `not found yet; looking again at ${at.toISOString()}`,
  );
  await ctx.deps.boss.send(AMO_QUEUE, { integrationId: ctx.row.id, leadId: lead.id } satisfies AmoJob, {
    singletonKey: `${ctx.row.id}:${lead.id}`,
    startAfter: at,
  });
}
