import { sql } from 'kysely';
import type { Db } from '../connection.js';

/** advisory lock class of "reset-link requests for one e-mail or one IP are being counted" */
const REQUEST_LOCK_CLASS = 0x6c74_0009;

/**
 * Counts a reset-link request in, unless the e-mail or the IP already made their share within
 * the window: check and count under per-e-mail and per-IP locks, as sign-in attempts are.
 */
export function admitResetRequest(
  db: Db,
  r: { email: string; ip: string; windowSeconds: number; maxByEmail: number; maxByIp: number },
): Promise<{ admitted: true } | { admitted: false; oldestInWindow: Date | null }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${REQUEST_LOCK_CLASS}::int, hashtext(${`email:${r.email}`}))`.execute(
      trx,
    );
    await sql`select pg_advisory_xact_lock(${REQUEST_LOCK_CLASS}::int, hashtext(${`ip:${r.ip}`}))`.execute(
      trx,
    );
    const since = sql<Date>`now() - make_interval(secs => ${r.windowSeconds})`;
    const row = await trx
      .selectFrom('password_reset_requests')
      .where('created_at', '>', since)
      .where((eb) => eb.or([eb('email', '=', r.email), eb('ip', '=', r.ip)]))
      .select((eb) => [
        eb.fn.countAll<number>().filterWhere('email', '=', r.email).as('by_email'),
        eb.fn.countAll<number>().filterWhere('ip', '=', r.ip).as('by_ip'),
        eb.fn.min('created_at').as('oldest'),
      ])
      .executeTakeFirstOrThrow();
    if (Number(row.by_email) >= r.maxByEmail || Number(row.by_ip) >= r.maxByIp) {
      return { admitted: false, oldestInWindow: row.oldest ?? null };
    }
    await trx.insertInto('password_reset_requests').values({ email: r.email, ip: r.ip }).execute();
    return { admitted: true };
  });
}

export async function insertPasswordReset(
  db: Db,
  r: { userId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('password_resets')
    .values({ user_id: r.userId, token_hash: r.tokenHash, expires_at: r.expiresAt })
    .execute();
}

/** Marks an unused, unexpired reset used and returns its user; undefined when there is none. */
export async function consumePasswordReset(db: Db, tokenHash: string): Promise<string | undefined> {
  const row = await db
    .updateTable('password_resets')
    .set({ used_at: new Date() })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}

/** Ends every reset link of the user (after a reset or a password change). */
export async function deleteUserPasswordResets(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('password_resets').where('user_id', '=', userId).execute();
}

// Reset links live an hour and requests are counted over an hour: a day later neither matters.

/** Removes the reset links expired over a day ago; returns how many. */
export async function deleteOldPasswordResets(db: Db): Promise<number> {
  const r = await db
    .deleteFrom('password_resets')
    .where('expires_at', '<', sql<Date>`now() - interval '1 day'`)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Removes the reset requests over a day old. */
export async function deleteOldPasswordResetRequests(db: Db): Promise<void> {
  await db
    .deleteFrom('password_reset_requests')
    .where('created_at', '<', sql<Date>`now() - interval '1 day'`)
    .execute();
}
