import { sql } from 'kysely';
import type { Db } from '../connection.js';

/** advisory lock class of "one visitor's plus alias is being minted" (two-key form: its own space) */
const PLUS_LOCK_CLASS = 0x6c74_0005;

/**
 * Pool bindings made for one client address in a project within the last `minutes`. Exact only
 * under the project's email_tracking row lock (the caller holds it).
 */
export async function poolBindingsFromIp(
  db: Db,
  projectId: string,
  ip: string,
  minutes: number,
): Promise<number> {
  const row = await db
    .selectFrom('email_aliases')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('project_id', '=', projectId)
    .where('ip', '=', ip)
    .where('valid_from', '>', sql<Date>`now() - make_interval(mins => ${minutes}::int)`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The visitor's open bindings, newest first; `stale` when last seen over a minute ago. */
export function openBindings(
  db: Db,
  projectId: string,
  visitorId: string,
): Promise<{ id: number; alias: string; stale: boolean }[]> {
  return db
    .selectFrom('email_aliases')
    .select(['id', 'alias', sql<boolean>`last_seen_at < now() - interval '1 minute'`.as('stale')])
    .where('project_id', '=', projectId)
    .where('visitor_id', '=', visitorId)
    .where('valid_to', 'is', null)
    .orderBy('valid_from', 'desc')
    .execute();
}

/** The visitor is still around: the binding was seen now. */
export async function touchBinding(db: Db, id: number): Promise<void> {
  await db.updateTable('email_aliases').set({ last_seen_at: sql`now()` }).where('id', '=', id).execute();
}

/** Serialises minting a plus alias for one visitor of a project until the transaction ends. */
export async function lockVisitorPlusAlias(trx: Db, projectId: string, visitorId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${PLUS_LOCK_CLASS}::int, hashtext(${`${projectId}:${visitorId}`}))`.execute(
    trx,
  );
}

/** Whether the address was ever bound in the project (to anyone, open or closed). */
export async function aliasEverBound(db: Db, projectId: string, alias: string): Promise<boolean> {
  const row = await db
    .selectFrom('email_aliases')
    .select('id')
    .where('project_id', '=', projectId)
    .where('alias', '=', alias)
    .executeTakeFirst();
  return row !== undefined;
}

/** Opens a binding of `alias` to the visitor from now on (`ip`: who asked, for a pool address). */
export async function bindAlias(
  db: Db,
  b: { projectId: string; alias: string; visitorId: string; ip?: string | null },
): Promise<void> {
  await db
    .insertInto('email_aliases')
    .values({
      project_id: b.projectId,
      alias: b.alias,
      visitor_id: b.visitorId,
      valid_to: null,
      ip: b.ip ?? null,
    })
    .execute();
}

/** Marks the visitor's open bindings of these pool addresses seen now; returns them. */
export function touchPoolBindings(
  db: Db,
  projectId: string,
  visitorId: string,
  pool: string[],
): Promise<{ alias: string; valid_from: Date }[]> {
  return db
    .updateTable('email_aliases')
    .set({ last_seen_at: sql`now()` })
    .where('project_id', '=', projectId)
    .where('visitor_id', '=', visitorId)
    .where('valid_to', 'is', null)
    .where('alias', 'in', pool)
    .returning(['alias', 'valid_from'])
    .execute();
}

/** The latest binding of one pool address (null columns: never bound), as poolAddressStates reads it. */
export interface PoolAddressState {
  alias: string;
  id: number | null;
  open: boolean | null;
  /** last seen at least `holdMinutes` ago */
  expired: boolean | null;
  /** last seen at least `quietMinutes` ago */
  quiet: boolean | null;
  last_seen_at: Date | null;
  /** the address's place in the configured pool, from 1 */
  n: number;
}

/** The latest binding of each pool address (at most it can be open): one index probe each. */
export async function poolAddressStates(
  db: Db,
  projectId: string,
  pool: string[],
  minutes: { hold: number; quiet: number },
): Promise<PoolAddressState[]> {
  const { rows } = await sql<PoolAddressState>`
      select a.alias, b.id, b.valid_to is null as open,
             b.last_seen_at <= now() - make_interval(mins => ${minutes.hold}::int) as expired,
             b.last_seen_at <= now() - make_interval(mins => ${minutes.quiet}::int) as quiet,
             b.last_seen_at, a.n
      from unnest(${pool}::text[]) with ordinality as a(alias, n)
      left join lateral (
        select id, valid_to, last_seen_at from email_aliases e
        where e.project_id = ${projectId} and e.alias = a.alias
        order by e.valid_from desc limit 1
      ) b on true`.execute(db);
  return rows;
}

/**
 * Closes an open binding unless its visitor was seen within the last `quietMinutes` (re-checked
 * in the UPDATE itself); false when it was not closed.
 */
export async function closeQuietBinding(db: Db, id: number, quietMinutes: number): Promise<boolean> {
  const released = await db
    .updateTable('email_aliases')
    .set({ valid_to: sql`now()` })
    .where('id', '=', id)
    .where('valid_to', 'is', null)
    .where(sql<boolean>`last_seen_at <= now() - make_interval(mins => ${quietMinutes}::int)`)
    .executeTakeFirst();
  return released.numUpdatedRows > 0n;
}

/**
 * The visitor whose binding of an address held at `at` (the latest such), or undefined. `match`:
 * the exact (lower-case) address, or a LIKE pattern.
 */
export async function aliasHolderAt(
  db: Db,
  projectId: string,
  match: { exact: string } | { like: string },
  at: Date,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('email_aliases')
    .select('visitor_id')
    .where('project_id', '=', projectId)
    .where('alias', 'exact' in match ? '=' : 'like', 'exact' in match ? match.exact : match.like)
    .where('valid_from', '<=', at)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', at)]))
    .orderBy('valid_from', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.visitor_id;
}
