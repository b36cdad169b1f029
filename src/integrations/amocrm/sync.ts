import type PgBoss from 'pg-boss';
import type { Db } from '../../db/connection.js';
import { clearGivenUpPause, findIntegrationById } from '../../db/queries/integrations.js';
import type { Delivery, DeliveryEntity, Integration, Language, Lead } from '../../db/schema.js';
import type { Job, LeadEvent } from '../../delivery/dispatcher.js';
import type { Logger } from '../../logger.js';
import {
  type AmoCfInput,
  type AmoClient,
  type AmoComplexLeadInput,
  AmoError,
  contactChannels,
  fieldValue,
  readField,
  tagRefs,
} from './client.js';
import { type AmoDeps, amoClientFor, isConnected } from './connect.js';
import { findByEmail } from './find.js';
import { heldReason, holdIfPaused, isAccountFailure, pause, pauseReason } from './pause.js';
import { AMO_ENTITY, ENTITIES, type Entity, type StoredSettings, storedSettings } from './settings.js';
import { contactName, dealName, mappedValues } from './values.js';

export const AMO_QUEUE = 'amocrm-sync';

export interface AmoJob {
  integrationId: string;
  leadId: string;
}

export interface SyncDeps extends AmoDeps {
  logger: Logger;
  boss: PgBoss;
  /** INTEGRATION_PROBE_SECONDS: how often a paused integration's account is asked again */
  probeSeconds: number;
  /** for tests of the search window */
  now?: () => Date;
}

/** Outbox events → one job per lead and connected amoCRM integration of its project. */
export async function amoJobs(trx: Db, events: LeadEvent[]): Promise<Job[]> {
  const projects = [...new Set(events.map((e) => e.project_id))];
  const integrations = await trx
    .selectFrom('integrations')
    .select(['id', 'project_id'])
    .where('kind', '=', 'amocrm')
    .where('project_id', 'in', projects)
    .where('access_token_enc', 'is not', null)
    .execute();
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

interface Ctx {
  deps: SyncDeps;
  db: Db;
  row: Integration;
  settings: StoredSettings;
  client: AmoClient;
  tag: string;
  language: Language;
  now: Date;
  /** the job's last attempt: a retryable failure is final now */
  lastAttempt: boolean;
  /** a retryable failure: the whole batch is retried with backoff */
  retry: AmoError | null;
  /** the account refused as a whole: nothing more is sent, the integration pauses */
  paused: AmoError | null;
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
  const project = await db
    .selectFrom('projects')
    .innerJoin('accounts', 'accounts.id', 'projects.account_id')
    .select(['projects.name', 'accounts.language'])
    .where('projects.id', '=', row.project_id)
    .executeTakeFirst();
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
  const leads = await db
    .selectFrom('leads')
    .selectAll()
    .where('project_id', '=', row.project_id)
    .where('id', 'in', leadIds)
    .execute();
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

  const creating: Array<{ lead: Lead; ds: Map<Entity, Delivery> }> = [];
  const later: Array<{ lead: Lead; ds: Map<Entity, Delivery> }> = [];
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
  if (rows.length > 0)
    await ctx.db
      .insertInto('deliveries')
      .values(rows)
      .onConflict((oc) => oc.columns(['lead_id', 'destination', 'entity']).doNothing())
      .execute();
  const all = await ctx.db
    .selectFrom('deliveries')
    .selectAll()
    .where('destination', '=', 'amocrm')
    .where(
      'lead_id',
      'in',
      leads.map((l) => l.id),
    )
    .execute();
  const by = new Map<string, Delivery[]>();
  for (const d of all) by.set(d.lead_id, [...(by.get(d.lead_id) ?? []), d]);
  return by;
}

async function settle(
  ctx: Ctx,
  ds: Delivery[],
  state: Delivery['state'],
  reason: string | null,
  extra: { last_error?: string | null } = {},
): Promise<void> {
  if (ds.length === 0) return;
  await ctx.db
    .updateTable('deliveries')
    .set({ state, reason, updated_at: new Date(), ...extra })
    .where(
      'id',
      'in',
      ds.map((d) => d.id),
    )
    .execute();
  for (const d of ds) Object.assign(d, { state, reason, ...extra });
  const level = state === 'failed' ? 'error' : state === 'skipped' ? 'warn' : 'info';
  if (reason)
    await log(ctx, ds[0]?.lead_id ?? null, level, `${ds.map((d) => d.entity).join(', ')}: ${reason}`);
}

async function log(ctx: Ctx, leadId: string | null, level: 'info' | 'warn' | 'error', message: string) {
  await ctx.db
    .insertInto('integration_log')
    .values({ project_id: ctx.row.project_id, destination: 'amocrm', lead_id: leadId, level, message })
    .execute();
}

/** A failure of one step: retried later if it can pass, else the deliveries fail with amoCRM's reason. */
async function failed(ctx: Ctx, ds: Delivery[], err: unknown): Promise<void> {
  if (!(err instanceof AmoError)) throw err;
  if (isAccountFailure(err)) {
    ctx.paused ??= err;
    await hold(ctx, ds);
    return;
  }
  if (err.retryable && !ctx.lastAttempt) {
    ctx.retry ??= err;
    await ctx.db
      .updateTable('deliveries')
      .set({ last_error: err.detail, updated_at: new Date() })
      .where(
        'id',
        'in',
        ds.map((d) => d.id),
      )
      .execute();
    return;
  }
  await settle(ctx, ds, 'failed', err.detail, { last_error: err.message });
}

/** Deliveries held back while the account refuses (the integration pauses at the end of the run). */
async function hold(ctx: Ctx, ds: Delivery[]): Promise<void> {
  const err = ctx.paused;
  const open = ds.filter((d) => d.state !== 'skipped' && d.state !== 'failed' && d.state !== 'done');
  if (!err || open.length === 0) return;
  const next = new Date(ctx.now.getTime() + ctx.deps.probeSeconds * 1000);
  await settle(ctx, open, 'paused', heldReason(pauseReason(err), next));
}

// ------------------------------------------------------------------------------ mode 1: create

const marker = (ctx: Ctx, entity: Entity, lead: Lead): AmoCfInput[] => {
  const id = ctx.settings.markerFields[entity];
  return id ? [fieldValue(id, lead.id)] : [];
};

/**
 * Creates the deals (with their contact and company) and contacts due. The intent is stored
 * before each request; a lead whose intent is already set may have been created by a request
 * whose answer was lost, so amoCRM is searched for its marker before anything is sent again.
 */
async function createEntities(
  ctx: Ctx,
  items: Array<{ lead: Lead; ds: Map<Entity, Delivery> }>,
): Promise<void> {
  const due: typeof items = [];
  for (const item of items) {
    const pending = [...item.ds.values()].filter((d) => d.mode === 'create' && d.remote_id === null);
    if (ctx.paused) {
      await hold(ctx, pending);
      continue;
    }
    if (pending.some((d) => d.intent_at !== null)) {
      try {
        await adoptCreated(ctx, item.lead, pending);
      } catch (err) {
        await failed(ctx, pending, err);
        continue;
      }
    }
    if (pending.some((d) => d.remote_id === null)) due.push(item);
  }
  if (due.length === 0) return;

  const withDeal = due.filter(({ ds }) => isDue(ds.get('deal')));
  const contactsOnly = due.filter(({ ds }) => !isDue(ds.get('deal')) && isDue(ds.get('contact')));
  // Companies outside a deal's complex request: created on their own (a lead naming one).
  const companiesAlone = due.filter(({ ds }) => !isDue(ds.get('deal')) && isDue(ds.get('company')));
  for (const { ds } of companiesAlone.filter(({ lead }) => !lead.company))
    await settle(ctx, [ds.get('company') as Delivery], 'skipped', 'the lead names no company');
  const companyOnly = companiesAlone.filter(({ lead }) => lead.company);

  const intent = async (list: typeof due) => {
    const ids = list.flatMap(({ ds }) => [...ds.values()].filter(isDue).map((d) => d.id));
    if (ids.length === 0) return;
    await ctx.db
      .updateTable('deliveries')
      .set((eb) => ({ intent_at: new Date(), attempts: eb('attempts', '+', 1), updated_at: new Date() }))
      .where('id', 'in', ids)
      .execute();
  };

  if (ctx.paused) {
    for (const { ds } of [...withDeal, ...companyOnly, ...contactsOnly])
      await hold(ctx, [...ds.values()].filter(isDue));
    return;
  }
  if (withDeal.length > 0) {
    await intent(withDeal);
    try {
      const results = await ctx.client.createComplexLeads(
        withDeal.map(({ lead, ds }) => complexItem(ctx, lead, ds)),
      );
      await recordCreated(ctx, withDeal, results);
    } catch (err) {
      if (err instanceof AmoError && err.applied) {
        const done = err.applied as ReadonlyArray<ComplexResult>;
        await recordCreated(ctx, withDeal.slice(0, done.length), done);
        await failed(
          ctx,
          withDeal.slice(done.length).flatMap(({ ds }) => [...ds.values()].filter(isDue)),
          err,
        );
      } else
        await failed(
          ctx,
          withDeal.flatMap(({ ds }) => [...ds.values()].filter(isDue)),
          err,
        );
    }
  }
  if (ctx.paused) {
    for (const { ds } of [...companyOnly, ...contactsOnly]) await hold(ctx, [...ds.values()].filter(isDue));
    return;
  }
  if (companyOnly.length > 0) {
    const ds = companyOnly.map(({ ds }) => ds.get('company') as Delivery);
    await intent(
      companyOnly.map((item) => ({
        ...item,
        ds: new Map([['company', item.ds.get('company') as Delivery]]),
      })),
    );
    try {
      const ids = await ctx.client.createCompanies(companyOnly.map(({ lead }) => companyBody(ctx, lead)));
      for (const [i, { lead }] of companyOnly.entries())
        await created(ctx, lead, ds[i] as Delivery, ids[i] ?? null, 'company');
    } catch (err) {
      await failed(ctx, ds, err);
    }
  }
  if (contactsOnly.length > 0) {
    await intent(contactsOnly);
    try {
      const ids = await ctx.client.createContacts(contactsOnly.map(({ lead }) => contactBody(ctx, lead)));
      for (const [i, { lead, ds }] of contactsOnly.entries())
        await created(ctx, lead, ds.get('contact') as Delivery, ids[i] ?? null, 'contact');
    } catch (err) {
      await failed(
        ctx,
        contactsOnly.map(({ ds }) => ds.get('contact') as Delivery),
        err,
      );
    }
  }
}

const isDue = (d: Delivery | undefined): d is Delivery =>
  d !== undefined &&
  d.mode === 'create' &&
  d.remote_id === null &&
  d.state !== 'skipped' &&
  d.state !== 'failed';

function contactBody(ctx: Ctx, lead: Lead) {
  const s = ctx.settings.entities.contact;
  return {
    name: contactName(lead),
    ...(s.responsibleUserId ? { responsible_user_id: s.responsibleUserId } : {}),
    custom_fields_values: [
      ...contactChannels({ phone: lead.phone ?? undefined, email: lead.email ?? undefined }),
      ...mappedValues(s, lead),
      ...marker(ctx, 'contact', lead),
    ],
    _embedded: { tags: tagRefs(ctx.tag) },
  };
}

/** The company a B2B lead names, set up like its contact: tag, responsible user, mapped fields. */
function companyBody(ctx: Ctx, lead: Lead) {
  const s = ctx.settings.entities.company;
  return {
    name: lead.company ?? '',
    ...(s.responsibleUserId ? { responsible_user_id: s.responsibleUserId } : {}),
    custom_fields_values: [...mappedValues(s, lead), ...marker(ctx, 'company', lead)],
    _embedded: { tags: tagRefs(ctx.tag) },
  };
}

function complexItem(ctx: Ctx, lead: Lead, ds: Map<Entity, Delivery>): AmoComplexLeadInput {
  const s = ctx.settings.entities.deal;
  return {
    name: dealName(lead, ctx.language),
    ...(s.pipelineId ? { pipeline_id: s.pipelineId } : {}),
    ...(s.statusId ? { status_id: s.statusId } : {}),
    ...(s.responsibleUserId ? { responsible_user_id: s.responsibleUserId } : {}),
    custom_fields_values: [...mappedValues(s, lead), ...marker(ctx, 'deal', lead)],
    _embedded: {
      tags: tagRefs(ctx.tag),
      ...(isDue(ds.get('contact'))
        ? { contacts: [contactBody(ctx, lead)] as [ReturnType<typeof contactBody>] }
        : {}),
      // amoCRM links a company created here to the deal and to the contact created with it.
      ...(isDue(ds.get('company')) && lead.company
        ? { companies: [companyBody(ctx, lead)] as [ReturnType<typeof companyBody>] }
        : {}),
    },
  };
}

async function recordCreated(
  ctx: Ctx,
  items: Array<{ lead: Lead; ds: Map<Entity, Delivery> }>,
  results: ReadonlyArray<ComplexResult>,
): Promise<void> {
  const notes: Array<{ entity_id: number; note_type: 'common'; params: { text: string } }> = [];
  for (const [i, { lead, ds }] of items.entries()) {
    const r = results[i];
    if (!r) continue;
    if (lead.message) notes.push({ entity_id: r.id, note_type: 'common', params: { text: lead.message } });
    if (r.merged) {
      await mergedInto(ctx, lead, ds, r);
      continue;
    }
    await created(ctx, lead, ds.get('deal') as Delivery, r.id, 'deal');
    const contact = ds.get('contact');
    if (isDue(contact)) await created(ctx, lead, contact, r.contact_id ?? null, 'contact');
    const company = ds.get('company');
    if (isDue(company)) {
      if (lead.company && r.company_id) await created(ctx, lead, company, r.company_id, 'company');
      else await settle(ctx, [company], 'skipped', 'the lead names no company');
    }
  }
  if (notes.length > 0)
    await ctx.client.addNotes('leads', notes).catch(async (err: unknown) => {
      // The deals exist; a lost note is reported, not a reason to create anything again.
      await log(
        ctx,
        null,
        'warn',
        `notes with the lead messages were not added: ${err instanceof AmoError ? err.detail : String(err)}`,
      );
    });
}

type ComplexResult = { id: number; contact_id?: number | null; company_id?: number | null; merged?: boolean };

/**
 * amoCRM's duplicate control merged the lead into an existing deal (and contact): nothing was
 * created, so they are treated as found ones (mode 2): updated with this lead's parameters unless
 * their GA client id belongs to another visitor.
 */
async function mergedInto(ctx: Ctx, lead: Lead, ds: Map<Entity, Delivery>, r: ComplexResult): Promise<void> {
  const ids: Record<Entity, number | null> = {
    deal: r.id,
    contact: r.contact_id ?? null,
    company: r.company_id ?? null,
  };
  const found: string[] = [];
  for (const entity of ENTITIES) {
    const d = ds.get(entity);
    if (!isDue(d)) continue;
    const id = ids[entity];
    if (id === null) {
      await settle(
        ctx,
        [d],
        'skipped',
        `amoCRM's duplicate control merged the lead into an existing deal without a ${entity}`,
      );
      continue;
    }
    await ctx.db
      .updateTable('deliveries')
      .set({
        remote_id: id,
        mode: 'update',
        state: 'pending',
        reason: null,
        synced_params: null,
        last_error: null,
        updated_at: new Date(),
      })
      .where('id', '=', d.id)
      .execute();
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

async function created(ctx: Ctx, lead: Lead, d: Delivery, remoteId: number | null, entity: DeliveryEntity) {
  if (remoteId === null) return;
  const written = JSON.stringify(mappedValues(ctx.settings.entities[entity], lead));
  // Waiting: the lead names a visitor whose visits have not arrived yet; they are added when they do.
  const waits = lead.visitor_id !== null && lead.attributed_at === null;
  const state = waits ? 'waiting' : 'done';
  const reason = waits ? 'created; its visit data is added as soon as it arrives' : null;
  await ctx.db
    .updateTable('deliveries')
    .set({
      remote_id: remoteId,
      state,
      reason,
      synced_params: written,
      last_error: null,
      updated_at: new Date(),
    })
    .where('id', '=', d.id)
    .execute();
  Object.assign(d, { remote_id: remoteId, state, reason, synced_params: written });
  await log(ctx, lead.id, 'info', `${entity} ${remoteId} created`);
}

/** Finds what an earlier request created for this lead (by the marker field) and records it. */
async function adoptCreated(ctx: Ctx, lead: Lead, pending: Delivery[]): Promise<void> {
  for (const d of pending) {
    const entity = d.entity as Entity;
    const field = ctx.settings.markerFields[entity];
    if (!field) continue;
    const found =
      entity === 'deal'
        ? await ctx.client.findLeads(lead.id)
        : entity === 'contact'
          ? await ctx.client.findContacts(lead.id)
          : await ctx.client.findCompanies(lead.id);
    const mine = found.find((x) => readField(x, field).some((v) => v.value === lead.id));
    if (mine) await created(ctx, lead, d, mine.id, entity);
  }
}

// ------------------------------------------------------------------------------ updates (both modes)

/**
 * Writes the lead's mapped parameters to its entities while the window is open: created ones
 * (mode 1) when attribution appears or changes, found ones (mode 2) once found.
 */
async function updateLead(ctx: Ctx, lead: Lead, ds: Delivery[]): Promise<void> {
  if (ctx.paused) {
    // Only what still has to reach amoCRM waits: a created entity with nothing new stays as it is.
    await hold(
      ctx,
      ds.filter((d) => d.remote_id === null || d.state === 'pending' || d.state === 'paused'),
    );
    return;
  }
  const open = ds.filter((d) => d.state !== 'skipped' && d.state !== 'failed');
  const windowOpen = (d: Delivery) => d.window_ends_at.getTime() > ctx.now.getTime();

  const searching = open.filter((d) => d.mode === 'update' && d.remote_id === null);
  if (searching.length > 0) {
    if (!lead.email) {
      await settle(ctx, searching, 'skipped', 'the lead has no e-mail to find it by in amoCRM');
    } else {
      try {
        const found = await findByEmail(ctx.client, lead.email);
        for (const d of searching) {
          const id = found[d.entity as Entity];
          if (id) {
            await ctx.db
              .updateTable('deliveries')
              .set({ remote_id: id, state: 'pending', reason: null, updated_at: new Date() })
              .where('id', '=', d.id)
              .execute();
            Object.assign(d, { remote_id: id, state: 'pending' });
            await log(ctx, lead.id, 'info', `${d.entity} ${id} found by the lead's e-mail`);
          }
        }
      } catch (err) {
        await failed(ctx, searching, err);
      }
      const still = searching.filter((d) => d.remote_id === null && d.state !== 'failed');
      const closed = still.filter((d) => !windowOpen(d));
      await settle(
        ctx,
        closed,
        'skipped',
        `not found in amoCRM within ${ctx.settings.windowMinutes} minutes (by the e-mail ${lead.email})`,
      );
      const waiting = still.filter(windowOpen);
      if (waiting.length > 0) await searchAgain(ctx, lead, waiting);
    }
  }

  for (const d of open.filter((x) => x.remote_id !== null && x.state !== 'failed' && x.state !== 'skipped')) {
    if (!windowOpen(d) && d.mode === 'create') continue;
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
      if (entity === 'deal') await ctx.client.updateLeads([body]);
      else if (entity === 'contact') await ctx.client.updateContacts([body]);
      else await ctx.client.updateCompanies([body]);
      await ctx.db
        .updateTable('deliveries')
        .set({ synced_params: json, state: 'done', reason: null, last_error: null, updated_at: new Date() })
        .where('id', '=', d.id)
        .execute();
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
  const current =
    entity === 'deal'
      ? await ctx.client.getLead(id)
      : entity === 'contact'
        ? await ctx.client.getContact(id)
        : await ctx.client.getCompany(id);
  if (!current) return null;
  const held = readField(current, ga.fieldId)
    .map((v) => String(v.value ?? ''))
    .find((v) => v !== '');
  const own = lead.params.ga_client_id ?? null;
  if (held === undefined || held === own) return null;
  return `not updated: its GA client id field already holds ${held}`;
}

const SEARCH_STEPS_S = [15, 30, 60, 120, 300, 600, 900];

/** Mode 2: look again later, sooner at first, never past the window. */
async function searchAgain(ctx: Ctx, lead: Lead, ds: Delivery[]): Promise<void> {
  const attempt = Math.max(...ds.map((d) => d.attempts));
  const step = SEARCH_STEPS_S[Math.min(attempt, SEARCH_STEPS_S.length - 1)] ?? 900;
  const end = Math.min(...ds.map((d) => d.window_ends_at.getTime()));
  const at = new Date(Math.min(ctx.now.getTime() + step * 1000, end + 1000));
  await ctx.db
    .updateTable('deliveries')
    .set((eb) => ({
      state: 'searching',
      reason: `not found yet; looking again at ${at.toISOString()}`,
      attempts: eb('attempts', '+', 1),
      updated_at: new Date(),
    }))
    .where(
      'id',
      'in',
      ds.map((d) => d.id),
    )
    .execute();
  await ctx.deps.boss.send(AMO_QUEUE, { integrationId: ctx.row.id, leadId: lead.id } satisfies AmoJob, {
    singletonKey: `${ctx.row.id}:${lead.id}`,
    startAfter: at,
  });
}

export { AMO_ENTITY };
