import type { Db } from '../connection.js';
import type { ApiToken } from '../schema.js';

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

/** Every personal token of the user (asked for on a password change). */
export async function deleteUserApiTokens(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('api_tokens').where('user_id', '=', userId).execute();
}
