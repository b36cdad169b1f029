import { sql } from 'kysely';
import type { Db } from '../connection.js';
import type { Visit, Visitor } from '../schema.js';

export function findVisitor(db: Db, projectId: string, id: string): Promise<Visitor | undefined> {
  return db
    .selectFrom('visitors')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Whether the tracker stored a hit of this visitor within the last `minutes` (PK lookup). */
export async function visitorSeenWithin(
  db: Db,
  projectId: string,
  id: string,
  minutes: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('visitors')
    .select('id')
    .where('project_id', '=', projectId)
    .where('id', '=', id)
    .where('last_seen_at', '>', sql<Date>`now() - make_interval(mins => ${minutes}::int)`)
    .executeTakeFirst();
  return row !== undefined;
}

/** The visitor's visits that had started by `until` (a little slack for clock differences). */
export function visitsUntil(db: Db, projectId: string, visitorId: string, until: Date): Promise<Visit[]> {
  return db
    .selectFrom('visits')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('visitor_id', '=', visitorId)
    .where('started_at', '<=', new Date(until.getTime() + 5_000))
    .orderBy('started_at')
    .execute();
}

export function listVisits(db: Db, projectId: string, visitorId: string): Promise<Visit[]> {
  return db
    .selectFrom('visits')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('visitor_id', '=', visitorId)
    .orderBy('started_at')
    .execute();
}

/** The visitor most recently seen with this e-mail or phone in the project. */
export async function findVisitorByContact(
  db: Db,
  projectId: string,
  contacts: { email: string | null; phone: string | null },
): Promise<Visitor | undefined> {
  const keys = [
    ...(contacts.email ? [['email', contacts.email] as const] : []),
    ...(contacts.phone ? [['phone', contacts.phone] as const] : []),
  ];
  if (keys.length === 0) return undefined;
  const hit = await db
    .selectFrom('visitor_contacts')
    .select('visitor_id')
    .where('project_id', '=', projectId)
    .where((eb) =>
      eb.or(keys.map(([kind, value]) => eb.and([eb('kind', '=', kind), eb('value', '=', value)]))),
    )
    .orderBy('seen_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return hit ? findVisitor(db, projectId, hit.visitor_id) : undefined;
}

export async function rememberContacts(
  db: Db,
  projectId: string,
  visitorId: string,
  contacts: { email: string | null; phone: string | null },
  at: Date,
): Promise<void> {
  const rows = [
    ...(contacts.email ? [{ kind: 'email' as const, value: contacts.email }] : []),
    ...(contacts.phone ? [{ kind: 'phone' as const, value: contacts.phone }] : []),
  ].map((c) => ({ ...c, project_id: projectId, visitor_id: visitorId, seen_at: at }));
  if (rows.length === 0) return;
  await db
    .insertInto('visitor_contacts')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['project_id', 'kind', 'value', 'visitor_id']).doUpdateSet({ seen_at: at }),
    )
    .execute();
}
