import { sql } from 'kysely';
import type { Db } from '../connection.js';
import type { Account, ApiToken, User } from '../schema.js';

export function insertApiToken(
  db: Db,
  t: { userId: string; name: string; tokenHash: string; prefix: string },
): Promise<ApiToken> {
  return db
    .insertInto('api_tokens')
    .values({ user_id: t.userId, name: t.name, token_hash: t.tokenHash, prefix: t.prefix })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listApiTokens(db: Db, userId: string): Promise<ApiToken[]> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function deleteApiToken(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('api_tokens')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Resolves a bearer token to its user and account, stamping last use at most once a minute. */
export async function findTokenPrincipal(
  db: Db,
  tokenHash: string,
): Promise<{ user: User; account: Account; tokenId: string } | undefined> {
  const token = await db
    .updateTable('api_tokens')
    .set({ last_used_at: sql`now()` })
    .where('token_hash', '=', tokenHash)
    .where((eb) =>
      eb.or([
        eb('last_used_at', 'is', null),
        eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`),
      ]),
    )
    .returning(['id', 'user_id'])
    .executeTakeFirst()
    .then(
      async (updated) =>
        updated ??
        (await db
          .selectFrom('api_tokens')
          .select(['id', 'user_id'])
          .where('token_hash', '=', tokenHash)
          .executeTakeFirst()),
    );
  if (!token) return undefined;
  const user = await db.selectFrom('users').selectAll().where('id', '=', token.user_id).executeTakeFirst();
  if (!user) return undefined;
  const account = await db
    .selectFrom('accounts')
    .selectAll()
    .where('id', '=', user.account_id)
    .executeTakeFirstOrThrow();
  return { user, account, tokenId: token.id };
}
