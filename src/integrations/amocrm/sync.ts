/**
 * Brings amoCRM up to date for a batch of leads: one job per lead and integration, the deliveries
 * it needs, then creation (create.ts), updates and searches (update.ts, search.ts) with their
 * outcomes (sync-state.ts).
 */
import type { Db } from '../../db/connection.js';
import { findLeadsDeliveries, insertMissingDeliveries } from '../../db/queries/deliveries.js';
import {
  clearGivenUpPause,
  connectedIntegrations,
  findIntegrationById,
} from '../../db/queries/integrations.js';
import { findProjectLeads } from '../../db/queries/leads.js';
import { findProjectNameAndLanguage } from '../../db/queries/projects.js';
import type { Delivery, Lead } from '../../db/schema.js';
import type { Job, LeadEvent } from '../../delivery/dispatcher.js';
import type { AmoError } from './client.js';
import { amoClientFor, isConnected } from './connect.js';
import { createEntities } from './create.js';
import { holdIfPaused, pause } from './pause.js';
import { ENTITIES, type Entity, storedSettings } from './settings.js';
import { AMO_QUEUE, type AmoJob, type Ctx, type Item, type SyncDeps, settle } from './sync-state.js';
import { updateLead } from './update.js';

export { AMO_QUEUE, type AmoJob, type SyncDeps } from './sync-state.js';

/** Outbox events → one job per lead and connected amoCRM integration of its project. */
export async function amoJobs(trx: Db, events: LeadEvent[]): Promise<Job[]> {
  const projects = [...new Set(events.map((e) => e.project_id))];
  const integrations = await connectedIntegrations(trx, 'amocrm', projects);
  const jobs: Job[] = [];
  for (const i of integrations)
    for (const leadId of new Set(events.filter((e) => e.project_id === i.project_id).map((e) => e.lead_id)))
      jobs.push({
        queue: AMO_QUEUE,
        data: { integrationId: i.id, leadId },
        singletonKey: `${i.id}:${leadId}`,
      });
  return jobs;
}

/**
 * Brings amoCRM up to date for a batch of leads (pg-boss hands up to 50 jobs at once): creates
 * what is due in as few requests as the API allows (/leads/complex, 50 per request), then updates
 * and searches lead by lead. Every step is idempotent, so a retried batch repeats nothing.
 */
export async function syncAmoJobs(
  deps: SyncDeps,
  jobs: Array<{ data: AmoJob; retryCount?: number; retryLimit?: number }>,
): Promise<void> {
  const groups = new Map<string, { leads: Set<string>; last: boolean }>();
  for (const j of jobs) {
    const g = groups.get(j.data.integrationId) ?? { leads: new Set<string>(), last: false };
    g.leads.add(j.data.leadId);
    if (j.retryLimit !== undefined && (j.retryCount ?? 0) >= j.retryLimit) g.last = true;
    groups.set(j.data.integrationId, g);
  }
  let retry: AmoError | null = null;
  for (const [integrationId, g] of groups) {
    const failed = await syncIntegration(deps, integrationId, [...g.leads], g.last);
    retry ??= failed;
  }
  if (retry) throw retry;
}

async function syncIntegration(
  deps: SyncDeps,
  integrationId: string,
  leadIds: string[],
  lastAttempt: boolean,
): Promise<AmoError | null> {
  const { db } = deps;
  const row = await findIntegrationById(db, integrationId);
  if (!row || !isConnected(row)) return null;
  const project = await findProjectNameAndLanguage(db, row.project_id);
  if (!project) return null;
  const ctx: Ctx = {
    deps,
    db,
    row,
    settings: storedSettings(row),
    client: amoClientFor(deps, row),
    tag: project.name,
    language: project.language ?? 'ru',
    now: deps.now?.() ?? new Date(),
    lastAttempt,
    retry: null,
    paused: null,
  };
  const leads = await findProjectLeads(db, row.project_id, leadIds);
  if (leads.length === 0) return null;
  const deliveries = await ensureDeliveries(ctx, leads);
  // While the account is in trouble only the probe asks it anything; these leads wait for it.
  if (
    row.paused_at !== null &&
    (await holdIfPaused(
      db,
      row.id,
      leads.map((l) => l.id),
    ))
  )
    return null;

  const creating: Item[] = [];
  const later: Item[] = [];
  for (const lead of leads) {
    const ds = new Map((deliveries.get(lead.id) ?? []).map((d) => [d.entity as Entity, d]));
    const open = [...ds.values()].filter((d) => d.state !== 'skipped' && d.state !== 'failed');
    if (open.length === 0) continue;
    if (!ctx.settings.leadTypes.includes(lead.type)) {
      await settle(ctx, open, 'skipped', `${lead.type} leads are not passed to amoCRM`);
      continue;
    }
    if (lead.duplicate_of) {
      await settle(ctx, open, 'skipped', `duplicate of lead ${lead.duplicate_of}: not passed again`);
      continue;
    }
    if (open.some((d) => d.mode === 'create' && d.remote_id === null)) creating.push({ lead, ds });
    else later.push({ lead, ds });
  }

  await createEntities(ctx, creating);
  // The rows loaded above, kept current by every step that changes them: no second read.
  for (const item of [...creating, ...later]) await updateLead(ctx, item.lead, [...item.ds.values()]);
  if (ctx.paused) {
    await pause(deps, row.id, ctx.paused, ctx.now);
    return null;
  }
  if (row.paused_at !== null && !ctx.retry) await clearGivenUpPause(db, row.id);
  return ctx.retry;
}

/** One delivery row per lead and enabled entity; its mode follows the lead's type. */
async function ensureDeliveries(ctx: Ctx, leads: Lead[]): Promise<Map<string, Delivery[]>> {
  const rows = leads.flatMap((lead) =>
    ENTITIES.filter((e) => ctx.settings.entities[e].enabled).map((entity) => ({
      project_id: lead.project_id,
      lead_id: lead.id,
      destination: 'amocrm' as const,
      entity,
      mode: ctx.settings.entities[entity].create.includes(lead.type)
        ? ('create' as const)
        : ('update' as const),
      state: 'pending' as const,
      window_ends_at: new Date(lead.created_at.getTime() + ctx.settings.windowMinutes * 60_000),
    })),
  );
  await insertMissingDeliveries(ctx.db, rows);
  const all = await findLeadsDeliveries(
    ctx.db,
    'amocrm',
    leads.map((l) => l.id),
  );
  const by = new Map<string, Delivery[]>();
  for (const d of all) by.set(d.lead_id, [...(by.get(d.lead_id) ?? []), d]);
  return by;
}
