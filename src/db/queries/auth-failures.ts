import { sql } from 'kysely';
import type { Db } from '../connection.js';

/** advisory lock class of "sign-in attempts for one e-mail or one IP are being counted" */
const ATTEMPT_LOCK_CLASS = 0x6c74_0008;

export type AttemptVerdict = { admitted: true } | { admitted: false; oldestInWindow: Date | null };

/**
 * Counts a sign-in attempt in as a failure before its password is tried, so the check and the
 * count are one step: under per-e-mail and per-IP locks (always taken in that order), the recent
 * failures are counted and, below both limits, this attempt's row is added. Parallel attempts
 * queue on the locks, and each sees the rows of those admitted before it. A successful sign-in
 * then removes the row (clearAuthFailures). Old rows are swept by housekeeping.
 */
export function admitAuthAttempt(
  db: Db,
  a: { email: string; ip: string; windowSeconds: number; maxByEmail: number; maxByIp: number },
): Promise<AttemptVerdict> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${ATTEMPT_LOCK_CLASS}::int, hashtext(${`email:${a.email}`}))`.execute(
      trx,
    );
    await sql`select pg_advisory_xact_lock(${ATTEMPT_LOCK_CLASS}::int, hashtext(${`ip:${a.ip}`}))`.execute(
      trx,
    );
    const since = sql<Date>`now() - make_interval(secs => ${a.windowSeconds})`;
    const row = await trx
      .selectFrom('auth_failures')
      .where('created_at', '>', since)
      .where((eb) => eb.or([eb('email', '=', a.email), eb('ip', '=', a.ip)]))
      .select((eb) => [
        eb.fn.countAll<number>().filterWhere('email', '=', a.email).as('by_email'),
        eb.fn.countAll<number>().filterWhere('ip', '=', a.ip).as('by_ip'),
        eb.fn.min('created_at').as('oldest'),
      ])
      .executeTakeFirstOrThrow();
    if (Number(row.by_email) >= a.maxByEmail || Number(row.by_ip) >= a.maxByIp) {
      return { admitted: false, oldestInWindow: row.oldest ?? null };
    }
    await trx.insertInto('auth_failures').values({ email: a.email, ip: a.ip }).execute();
    return { admitted: true };
  });
}

export async function clearAuthFailures(db: Db, email: string): Promise<void> {
  await db.deleteFrom('auth_failures').where('email', '=', email).execute();
}

/** Removes the sign-in failures over a day old (far past any counting window); returns how many. */
export async function deleteOldAuthFailures(db: Db): Promise<number> {
  const r = await db
    .deleteFrom('auth_failures')
    .where('created_at', '<', sql<Date>`now() - interval '1 day'`)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
