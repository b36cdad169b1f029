import { sql } from 'kysely';
import type { Db } from '../connection.js';
import type { Invitation, UserRole } from '../schema.js';

export function insertInvitation(
  db: Db,
  i: {
    accountId: string;
    email: string;
    role: UserRole;
    tokenHash: string;
    invitedBy: string;
    expiresAt: Date;
  },
): Promise<Invitation> {
  return db
    .insertInto('invitations')
    .values({
      account_id: i.accountId,
      email: i.email,
      role: i.role,
      token_hash: i.tokenHash,
      invited_by: i.invitedBy,
      expires_at: i.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listOpenInvitations(db: Db, accountId: string): Promise<Invitation[]> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', new Date())
    .orderBy('created_at', 'desc')
    .execute();
}

export async function deleteInvitation(db: Db, accountId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('invitations')
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

export function findOpenInvitation(db: Db, accountId: string, id: string): Promise<Invitation | undefined> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
}

export function findOpenInvitationByToken(
  db: Db,
  tokenHash: string,
): Promise<(Invitation & { account_name: string }) | undefined> {
  return db
    .selectFrom('invitations as i')
    .innerJoin('accounts as a', 'a.id', 'i.account_id')
    .selectAll('i')
    .select('a.name as account_name')
    .where('i.token_hash', '=', tokenHash)
    .where('i.accepted_at', 'is', null)
    .where('i.expires_at', '>', new Date())
    .executeTakeFirst();
}

/** Marks the invitation used; false when another request used it first. */
export async function markInvitationAccepted(db: Db, id: string): Promise<boolean> {
  const r = await db
    .updateTable('invitations')
    .set({ accepted_at: new Date() })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Removes the invitations expired or accepted over 30 days ago; returns how many. */
export async function deleteSpentInvitations(db: Db): Promise<number> {
  const r = await db
    .deleteFrom('invitations')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<', sql<Date>`now() - interval '30 days'`),
        eb('accepted_at', '<', sql<Date>`now() - interval '30 days'`),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
