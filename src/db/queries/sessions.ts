import { sql } from 'kysely';
import type { Db } from '../connection.js';
import type { Account, User } from '../schema.js';

export async function insertSession(
  db: Db,
  s: { idHash: string; userId: string; expiresAt: Date; ip: string | null; userAgent: string | null },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id: s.idHash, user_id: s.userId, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent })
    .execute();
}

/** The user and account behind a live session, in one round trip (it runs on every cabinet call). */
export async function findSessionPrincipal(
  db: Db,
  idHash: string,
): Promise<{ user: User; account: Account; expiresAt: Date } | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('accounts as a', 'a.id', 'u.account_id')
    .where('s.id', '=', idHash)
    .where('s.expires_at', '>', new Date())
    .select([
      's.expires_at',
      sql<UserJson>`to_jsonb(u)`.as('user'),
      sql<AccountJson>`to_jsonb(a)`.as('account'),
    ])
    .executeTakeFirst();
  if (!row) return undefined;
  return { user: reviveUser(row.user), account: reviveAccount(row.account), expiresAt: row.expires_at };
}

export async function extendSession(db: Db, idHash: string, expiresAt: Date): Promise<void> {
  await db.updateTable('sessions').set({ expires_at: expiresAt }).where('id', '=', idHash).execute();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', idHash).execute();
}

export async function deleteUserSessions(db: Db, userId: string, exceptIdHash?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptIdHash) q = q.where('id', '!=', exceptIdHash);
  await q.execute();
}

// to_jsonb turns timestamps into ISO strings; turn them back into Dates.
type UserJson = Omit<User, 'created_at' | 'updated_at'> & { created_at: string; updated_at: string };
type AccountJson = Omit<Account, 'created_at' | 'updated_at'> & { created_at: string; updated_at: string };

function reviveUser(u: UserJson): User {
  return { ...u, created_at: new Date(u.created_at), updated_at: new Date(u.updated_at) };
}
function reviveAccount(a: AccountJson): Account {
  return { ...a, created_at: new Date(a.created_at), updated_at: new Date(a.updated_at) };
}
