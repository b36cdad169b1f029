import { sql } from 'kysely';
import type { Db } from '../connection.js';
import type { Account, User } from '../schema.js';

/** Who is behind a session cookie or an API token: user and account in one round trip each. */

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

/** Resolves a bearer token, stamping its last use at most once a minute (not a write per call). */
export async function findTokenPrincipal(
  db: Db,
  tokenHash: string,
): Promise<{ user: User; account: Account; tokenId: string } | undefined> {
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .innerJoin('accounts as a', 'a.id', 'u.account_id')
    .where('t.token_hash', '=', tokenHash)
    .select([
      't.id',
      't.last_used_at',
      sql<UserJson>`to_jsonb(u)`.as('user'),
      sql<AccountJson>`to_jsonb(a)`.as('account'),
    ])
    .executeTakeFirst();
  if (!row) return undefined;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', row.id).execute();
  }
  return { user: reviveUser(row.user), account: reviveAccount(row.account), tokenId: row.id };
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
