import { type Insertable, sql } from 'kysely';
import type { Db } from '../connection.js';
import type { Lead, LeadEventType, LeadParams, LeadsTable, LeadType } from '../schema.js';

export function findLeadByExternalId(
  db: Db,
  projectId: string,
  externalId: string,
): Promise<Lead | undefined> {
  return db
    .selectFrom('leads')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export function findLeadByEid(db: Db, projectId: string, eid: string): Promise<Lead | undefined> {
  return db
    .selectFrom('leads')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('eid', '=', eid)
    .executeTakeFirst();
}

/** Inserts unless the external id or tracker event id is already stored; undefined then. */
export function insertLead(db: Db, lead: Insertable<LeadsTable>): Promise<Lead | undefined> {
  return sql<Lead>`
    insert into leads (project_id, type, channel, external_id, email, phone, name, company, subject, message, page,
      visitor_id, occurred_at, params, attributed_at, duplicate_of, eid)
    values (${lead.project_id}, ${lead.type}, ${lead.channel}, ${lead.external_id ?? null}, ${lead.email ?? null},
      ${lead.phone ?? null}, ${lead.name ?? null}, ${lead.company ?? null}, ${lead.subject ?? null}, ${lead.message ?? null}, ${lead.page ?? null},
      ${lead.visitor_id ?? null}, ${lead.occurred_at}, ${lead.params}::jsonb, ${lead.attributed_at ?? null},
      ${lead.duplicate_of ?? null}, ${lead.eid ?? null})
    on conflict do nothing
    returning *`
    .execute(db)
    .then((r) => r.rows[0]);
}

/** The first lead with the same e-mail or phone in the window before `at`: the one this repeats. */
export async function findDuplicateOrigin(
  db: Db,
  projectId: string,
  contacts: { email: string | null; phone: string | null },
  at: Date,
  windowMinutes: number,
): Promise<string | null> {
  if ((!contacts.email && !contacts.phone) || windowMinutes <= 0) return null;
  const row = await db
    .selectFrom('leads')
    .select(['id', 'duplicate_of'])
    .where('project_id', '=', projectId)
    .where((eb) =>
      eb.or([
        ...(contacts.email ? [eb('email', '=', contacts.email)] : []),
        ...(contacts.phone ? [eb('phone', '=', contacts.phone)] : []),
      ]),
    )
    .where('occurred_at', '>=', new Date(at.getTime() - windowMinutes * 60_000))
    .where('occurred_at', '<=', at)
    .orderBy('occurred_at')
    .limit(1)
    .executeTakeFirst();
  return row ? (row.duplicate_of ?? row.id) : null;
}

export async function setLeadAttribution(
  db: Db,
  leadId: string,
  visitorId: string,
  params: LeadParams,
): Promise<void> {
  await db
    .updateTable('leads')
    .set({ visitor_id: visitorId, params: JSON.stringify(params), attributed_at: new Date() })
    .where('id', '=', leadId)
    .execute();
}

/** Leads of this visitor (or, by contact, of nobody yet) still waiting for attribution. */
export function unattributedLeads(
  db: Db,
  projectId: string,
  visitorId: string,
  contacts: { email: string | null; phone: string | null } = { email: null, phone: null },
): Promise<Lead[]> {
  return db
    .selectFrom('leads')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('attributed_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('visitor_id', '=', visitorId),
        ...(contacts.email ? [eb.and([eb('visitor_id', 'is', null), eb('email', '=', contacts.email)])] : []),
        ...(contacts.phone ? [eb.and([eb('visitor_id', 'is', null), eb('phone', '=', contacts.phone)])] : []),
      ]),
    )
    .execute();
}

export async function addLeadEvent(
  db: Db,
  projectId: string,
  leadId: string,
  type: LeadEventType,
): Promise<void> {
  await db.insertInto('lead_events').values({ project_id: projectId, lead_id: leadId, type }).execute();
}

/**
 * Of these (project, visitor) pairs, those with leads still waiting for attribution (leads sent
 * with a visitor id whose hits had not come yet).
 */
export async function visitorsWithWaitingLeads(
  db: Db,
  visitors: ReadonlyArray<{ projectId: string; visitorId: string }>,
): Promise<Array<{ project_id: string; visitor_id: string }>> {
  const waiting = await sql<{ project_id: string; visitor_id: string }>`
    select distinct project_id, visitor_id from leads
    where attributed_at is null
      and (project_id, visitor_id) in (select * from unnest(${visitors.map((e) => e.projectId)}::uuid[],
        ${visitors.map((e) => e.visitorId)}::text[]))`.execute(db);
  return waiting.rows;
}

export function findLead(db: Db, accountId: string, id: string): Promise<Lead | undefined> {
  return db
    .selectFrom('leads as l')
    .innerJoin('projects as p', 'p.id', 'l.project_id')
    .selectAll('l')
    .where('l.id', '=', id)
    .where('p.account_id', '=', accountId)
    .where('p.deleted_at', 'is', null)
    .executeTakeFirst();
}

export interface LeadFilter {
  type?: LeadType;
  from?: Date;
  to?: Date;
  source?: string;
  /** (occurred_at, id) of the last lead of the previous page */
  after?: { occurredAt: Date; id: string };
  limit: number;
}

/** Newest first, keyset-paginated on (occurred_at, id) so pages stay stable while leads arrive. */
export function listLeads(db: Db, projectId: string, f: LeadFilter): Promise<Lead[]> {
  let q = db.selectFrom('leads').selectAll().where('project_id', '=', projectId);
  if (f.type) q = q.where('type', '=', f.type);
  if (f.from) q = q.where('occurred_at', '>=', f.from);
  if (f.to) q = q.where('occurred_at', '<', f.to);
  if (f.source) q = q.where(sql`params->>'source'`, '=', f.source);
  if (f.after) {
    const { occurredAt, id } = f.after;
    q = q.where((eb) =>
      eb.or([
        eb('occurred_at', '<', occurredAt),
        eb.and([eb('occurred_at', '=', occurredAt), eb('id', '<', id)]),
      ]),
    );
  }
  return q.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}

/** The project's leads among these ids (the others are left out). */
export function findProjectLeads(db: Db, projectId: string, ids: string[]): Promise<Lead[]> {
  return db
    .selectFrom('leads')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', 'in', ids)
    .execute();
}
