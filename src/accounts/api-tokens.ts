import type { Db } from '../db/connection.js';
import { insertApiToken } from '../db/queries/api-tokens.js';
import type { ApiToken } from '../db/schema.js';
import { newSecret, sha256 } from '../security/tokens.js';

/**
 * A new personal API token of the user: stored by hash with its first characters to recognise it;
 * the token itself is returned once, to show once.
 */
export async function createApiToken(
  db: Db,
  userId: string,
  name: string,
): Promise<{ row: ApiToken; token: string }> {
  const token = newSecret('lt_pat_', 32);
  const row = await insertApiToken(db, {
    userId,
    name,
    tokenHash: sha256(token),
    prefix: token.slice(0, 11),
  });
  return { row, token };
}
