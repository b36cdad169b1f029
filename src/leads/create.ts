import type { CountryCode } from 'libphonenumber-js';
import type { Db } from '../db/connection.js';
import {
  addLeadEvent,
  findDuplicateOrigin,
  findLeadByEid,
  findLeadByExternalId,
  insertLead,
  setLeadAttribution,
  unattributedLeads,
} from '../db/queries/leads.js';
import {
  findVisitor,
  findVisitorByContact,
  listVisits,
  rememberContacts,
  visitsUntil,
} from '../db/queries/visitors.js';
import type { AttributionModel, Language, Lead, LeadType, Visit, Visitor } from '../db/schema.js';
import { attributionParams, unattributedParams } from './attribution.js';
import { normaliseEmail, normaliseName, normalisePhone } from './contact.js';

/** What lead handling needs to know about the project. */
export interface LeadProject {
  id: string;
  phoneRegion: string;
  duplicateWindowMinutes: number;
  attributionModel: AttributionModel;
  language: Language;
}

export interface NewLead {
  type: LeadType;
  channel: 'tracker' | 'api' | 'csv' | 'email';
  email?: string | null;
  phone?: string | null;
  name?: string | null;
  company?: string | null;
  subject?: string | null;
  message?: string | null;
  page?: string | null;
  visitorId?: string | null;
  occurredAt: Date;
  externalId?: string | null;
  eid?: string | null;
  mailbox?: string | null;
}

/**
 * Stores a lead with its contacts normalised, ties it to a visitor (given, or known by the same
 * e-mail/phone), attributes it, marks repeats within the project's window as duplicates and
 * records `lead.created` in the outbox. Repeating an external id or tracker event id returns the
 * lead already stored (`created: false`), never a second one. Call it inside a transaction.
 */
export async function createLead(
  db: Db,
  project: LeadProject,
  input: NewLead,
): Promise<{ lead: Lead; created: boolean }> {
  const existing = await findExisting(db, project.id, input);
  if (existing) return { lead: existing, created: false };

  const email = normaliseEmail(input.email);
  const phone = normalisePhone(input.phone, project.phoneRegion as CountryCode);
  const contacts = { email, phone };
  // The visitor the lead was sent with wins over one known by contact (another device, say).
  // A visitor id whose hits have not arrived yet is kept: its first hit attributes the lead.
  const visitor: Visitor | undefined = input.visitorId
    ? await findVisitor(db, project.id, input.visitorId)
    : await findVisitorByContact(db, project.id, contacts);
  const visitorId = visitor?.id ?? input.visitorId ?? null;

  const params = visitor
    ? attributionParams({
        visitor,
        visits: await leadVisits(db, project.id, visitor.id, input.occurredAt, Boolean(input.visitorId)),
        model: project.attributionModel,
        occurredAt: input.occurredAt,
        page: input.page ?? null,
        mailbox: input.mailbox ?? null,
        language: project.language,
      })
    : unattributedParams(input.occurredAt, input.page ?? null, input.mailbox ?? null);

  const lead = await insertLead(db, {
    project_id: project.id,
    type: input.type,
    channel: input.channel,
    external_id: input.externalId ?? null,
    eid: input.eid ?? null,
    email,
    phone,
    name: normaliseName(input.name),
    // tidied like a name: one line, no invisible characters, at most 200 characters
    company: normaliseName(input.company),
    subject: input.subject?.trim() || null,
    message: input.message?.trim() || null,
    page: input.page ?? null,
    visitor_id: visitorId,
    occurred_at: input.occurredAt,
    params: JSON.stringify(params),
    attributed_at: visitor ? new Date() : null,
    duplicate_of: await findDuplicateOrigin(
      db,
      project.id,
      contacts,
      input.occurredAt,
      project.duplicateWindowMinutes,
    ),
  });
  if (!lead) {
    // Lost a race with the same external id / event id: answer with the winner.
    const winner = await findExisting(db, project.id, input);
    if (!winner) throw new Error('lead insert conflicted but no existing lead was found');
    return { lead: winner, created: false };
  }
  await addLeadEvent(db, project.id, lead.id, 'lead.created');
  if (visitor) {
    await rememberContacts(db, project.id, visitor.id, contacts, input.occurredAt);
    // Earlier leads by this person that no visitor was known for now get their story.
    await attributeWaitingLeads(db, project, visitor.id, contacts);
  }
  return { lead, created: true };
}

function findExisting(db: Db, projectId: string, input: NewLead): Promise<Lead | undefined> {
  if (input.externalId) return findLeadByExternalId(db, projectId, input.externalId);
  if (input.eid) return findLeadByEid(db, projectId, input.eid);
  return Promise.resolve(undefined);
}

/**
 * The visits a lead's attribution reads: those started by the lead's time. A lead sent with the
 * visitor's own id came from a visit, so when its hits were late (no visit started by then) the
 * visitor's first visit is the one it came from. A visitor found by contact gets no such credit.
 */
async function leadVisits(
  db: Db,
  projectId: string,
  visitorId: string,
  occurredAt: Date,
  sentWithVisitorId: boolean,
): Promise<Visit[]> {
  const visits = await visitsUntil(db, projectId, visitorId, occurredAt);
  if (visits.length > 0 || !sentWithVisitorId) return visits;
  return (await listVisits(db, projectId, visitorId)).slice(0, 1);
}

/**
 * Attributes the leads waiting for this visitor (by visitor id, or unclaimed ones with the same
 * contact) and emits `lead.attributed` for each. Returns how many were attributed.
 */
export async function attributeWaitingLeads(
  db: Db,
  project: LeadProject,
  visitorId: string,
  contacts: { email: string | null; phone: string | null } = { email: null, phone: null },
): Promise<number> {
  const waiting = await unattributedLeads(db, project.id, visitorId, contacts);
  if (waiting.length === 0) return 0;
  const visitor = await findVisitor(db, project.id, visitorId);
  if (!visitor) return 0;
  for (const lead of waiting) {
    const params = attributionParams({
      visitor,
      visits: await leadVisits(db, project.id, visitorId, lead.occurred_at, lead.visitor_id === visitorId),
      model: project.attributionModel,
      occurredAt: lead.occurred_at,
      page: lead.page,
      mailbox: lead.params.mailbox ?? null,
      language: project.language,
    });
    await setLeadAttribution(db, lead.id, visitorId, params);
    await addLeadEvent(db, project.id, lead.id, 'lead.attributed');
    // Now known to be this visitor's: later leads with these contacts find them.
    await rememberContacts(
      db,
      project.id,
      visitorId,
      { email: lead.email, phone: lead.phone },
      lead.occurred_at,
    );
  }
  return waiting.length;
}
