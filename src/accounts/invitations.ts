import type { Db } from '../db/connection.js';
import { findAccount, findUserByEmail, insertUser } from '../db/queries/accounts.js';
import {
  findOpenInvitationByToken,
  insertInvitation,
  markInvitationAccepted,
} from '../db/queries/invitations.js';
import type { Account, Invitation, User } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import { isUniqueViolation } from '../http/pg-errors.js';
import { invitationLetter } from '../mailer/letters.js';
import type { Mailer } from '../mailer/transport.js';
import { hashPassword } from '../security/passwords.js';
import { newSecret, sha256 } from '../security/tokens.js';

const INVITATION_DAYS = 7;

/**
 * Invites someone into the account by a one-time link (only its hash is stored), valid a week.
 * With SMTP configured the link is e-mailed too: `emailed` says whether the mail server took it.
 */
export async function invite(
  deps: { db: Db; mailer: Mailer; publicUrl: string },
  from: { account: Account; user: User },
  to: { email: string; role: 'admin' | 'viewer' },
): Promise<{ invitation: Invitation; url: string; emailed: boolean }> {
  const { db, mailer } = deps;
  if (await findUserByEmail(db, to.email)) throw new AppError(409, 'email_taken');
  const token = newSecret('', 24);
  const invitation = await insertInvitation(db, {
    accountId: from.account.id,
    email: to.email,
    role: to.role,
    tokenHash: sha256(token),
    invitedBy: from.user.id,
    expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
  });
  const url = `${deps.publicUrl}/invite/${token}`;
  const emailed =
    mailer.enabled &&
    (await mailer.send(
      invitationLetter(from.account.language, {
        to: invitation.email,
        url,
        accountName: from.account.name,
        inviter: from.user.name || from.user.email,
        days: INVITATION_DAYS,
      }),
      'invitation',
    ));
  return { invitation, url, emailed };
}

/** The open invitation of a link's token, with its account's name; 404 invitation_invalid otherwise. */
export async function openInvitation(db: Db, token: string): Promise<Invitation & { account_name: string }> {
  const inv = await findOpenInvitationByToken(db, sha256(token));
  if (!inv) throw new AppError(404, 'invitation_invalid');
  return inv;
}

/**
 * Accepts an invitation: the invitation is used up and its user created in one transaction (a
 * link used twice at once creates one user); an e-mail that meanwhile has a user is 409.
 */
export async function acceptInvitation(
  db: Db,
  token: string,
  newUser: { password: string; name?: string },
): Promise<{ user: User; account: Account }> {
  const inv = await openInvitation(db, token);
  const passwordHash = await hashPassword(newUser.password);
  const user = await db
    .transaction()
    .execute(async (trx) => {
      if (!(await markInvitationAccepted(trx, inv.id))) throw new AppError(404, 'invitation_invalid');
      return insertUser(trx, {
        accountId: inv.account_id,
        email: inv.email,
        name: newUser.name ?? '',
        passwordHash,
        role: inv.role,
      });
    })
    .catch((err: unknown) => {
      if (isUniqueViolation(err)) throw new AppError(409, 'email_taken');
      throw err;
    });
  const account = await findAccount(db, user.account_id);
  if (!account) throw notFound();
  return { user, account };
}
