import type { Db } from '../db/connection.js';
import { insertSession } from '../db/queries/sessions.js';
import { newSecret, sha256 } from '../security/tokens.js';

export const SESSION_DAYS = 30;

/** Opens a session and returns the cookie value; only its hash is stored. */
export async function openSession(
  db: Db,
  userId: string,
  client: { ip: string | null; userAgent: string | null },
): Promise<string> {
  const token = newSecret('', 32);
  await insertSession(db, {
    idHash: sha256(token),
    userId,
    expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000),
    ip: client.ip,
    userAgent: client.userAgent?.slice(0, 500) ?? null,
  });
  return token;
}
