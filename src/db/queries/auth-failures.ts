import { sql } from 'kysely';
import type { Db } from '../connection.js';

export async function recordAuthFailure(db: Db, email: string, ip: string): Promise<void> {
  await db.insertInto('auth_failures').values({ email, ip }).execute();
}

/** Failures in the window for this e-mail and for this IP (old rows are swept by housekeeping). */
export async function countRecentAuthFailures(
  db: Db,
  email: string,
  ip: string,
  windowSeconds: number,
): Promise<{ byEmail: number; byIp: number; oldestInWindow: Date | null }> {
  const since = sql<Date>`now() - make_interval(secs => ${windowSeconds})`;
  const row = await db
    .selectFrom('auth_failures')
    .where('created_at', '>', since)
    .where((eb) => eb.or([eb('email', '=', email), eb('ip', '=', ip)]))
    .select((eb) => [
      eb.fn.countAll<number>().filterWhere('email', '=', email).as('by_email'),
      eb.fn.countAll<number>().filterWhere('ip', '=', ip).as('by_ip'),
      eb.fn.min('created_at').as('oldest'),
    ])
    .executeTakeFirstOrThrow();
  return { byEmail: Number(row.by_email), byIp: Number(row.by_ip), oldestInWindow: row.oldest ?? null };
}

export async function clearAuthFailures(db: Db, email: string): Promise<void> {
  await db.deleteFrom('auth_failures').where('email', '=', email).execute();
}
