/**
 * Mode 1: creating the deals (with their contact and company) and the contacts and companies due,
 * in as few requests as the API allows (/leads/complex, 50 per request).
 */
import { markDeliveriesIntent } from '../../db/queries/deliveries.js';
import type { Delivery, Lead } from '../../db/schema.js';
import { adoptCreated, mergedInto } from './adopt.js';
import {
  type AmoCfInput,
  type AmoComplexLeadInput,
  AmoError,
  contactChannels,
  fieldValue,
  tagRefs,
} from './client.js';
import type { ComplexResult } from './entity-api.js';
import type { Entity } from './settings.js';
import { type Ctx, created, dueOf, failed, hold, type Item, isDue, log, settle } from './sync-state.js';
import { contactName, dealName, mappedValues } from './values.js';

/** The "Leadtrail lead ID" field's value: how a retry finds what a lost answer had created. */
const marker = (ctx: Ctx, entity: Entity, lead: Lead): AmoCfInput[] => {
  const id = ctx.settings.markerFields[entity];
  return id ? [fieldValue(id, lead.id)] : [];
};

/** Stored before a create request leaves: a lead whose intent is set is searched for before a resend. */
async function intent(ctx: Ctx, ds: Delivery[]): Promise<void> {
  const ids = ds.filter(isDue).map((d) => d.id);
  if (ids.length === 0) return;
  await markDeliveriesIntent(ctx.db, ids);
}

/**
 * Creates the deals (with their contact and company) and contacts due. The intent is stored
 * before each request; a lead whose intent is already set may have been created by a request
 * whose answer was lost, so amoCRM is searched for its marker before anything is sent again.
 */
export async function createEntities(ctx: Ctx, items: Item[]): Promise<void> {
  const due: Item[] = [];
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

  if (ctx.paused) {
    for (const { ds } of [...withDeal, ...companyOnly, ...contactsOnly]) await hold(ctx, dueOf(ds));
    return;
  }
  if (withDeal.length > 0) {
    await intent(
      ctx,
      withDeal.flatMap(({ ds }) => dueOf(ds)),
    );
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
          withDeal.slice(done.length).flatMap(({ ds }) => dueOf(ds)),
          err,
        );
      } else
        await failed(
          ctx,
          withDeal.flatMap(({ ds }) => dueOf(ds)),
          err,
        );
    }
  }
  if (ctx.paused) {
    for (const { ds } of [...companyOnly, ...contactsOnly]) await hold(ctx, dueOf(ds));
    return;
  }
  if (companyOnly.length > 0) {
    const ds = companyOnly.map(({ ds }) => ds.get('company') as Delivery);
    await intent(ctx, ds);
    try {
      const ids = await ctx.client.createCompanies(companyOnly.map(({ lead }) => companyBody(ctx, lead)));
      for (const [i, { lead }] of companyOnly.entries())
        await created(ctx, lead, ds[i] as Delivery, ids[i] ?? null, 'company');
    } catch (err) {
      await failed(ctx, ds, err);
    }
  }
  if (contactsOnly.length > 0) {
    // Every delivery of these leads still due is marked, as with a deal (a company whose own
    // request is to be retried included).
    await intent(
      ctx,
      contactsOnly.flatMap(({ ds }) => dueOf(ds)),
    );
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

async function recordCreated(ctx: Ctx, items: Item[], results: ReadonlyArray<ComplexResult>): Promise<void> {
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
