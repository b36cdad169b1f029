import type { Db } from '../db/connection.js';
import { findAccount, findUserByEmail, setUserPassword } from '../db/queries/accounts.js';
import { clearAuthFailures } from '../db/queries/auth-failures.js';
import {
  admitResetRequest,
  consumePasswordReset,
  deleteUserPasswordResets,
  insertPasswordReset,
} from '../db/queries/password-resets.js';
import { deleteUserSessions } from '../db/queries/sessions.js';
import type { User } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { passwordResetLetter } from '../mailer/letters.js';
import type { Mailer } from '../mailer/transport.js';
import { hashPassword } from '../security/passwords.js';
import { newSecret, sha256 } from '../security/tokens.js';

export const RESET_LINK_MINUTES = 60;
const REQUEST_WINDOW_SECONDS = 60 * 60;
const MAX_REQUESTS_PER_EMAIL = 3;
const MAX_REQUESTS_PER_IP = 20;

/** A one-time link to set a new password; only its hash is stored. */
export async function createResetLink(db: Db, publicUrl: string, userId: string): Promise<string> {
  const token = newSecret('', 32);
  await insertPasswordReset(db, {
    userId,
    tokenHash: sha256(token),
    expiresAt: new Date(Date.now() + RESET_LINK_MINUTES * 60_000),
  });
  return `${publicUrl}/reset-password?token=${token}`;
}

/**
 * "Forgot password": throttled per e-mail and per IP whether or not the account exists; for an
 * existing user the link is e-mailed without waiting for the mail server, so neither the answer
 * nor its timing tells whether the e-mail has an account.
 */
export async function requestPasswordReset(
  deps: { db: Db; mailer: Mailer; publicUrl: string },
  email: string,
  ip: string,
): Promise<void> {
  const verdict = await admitResetRequest(deps.db, {
    email,
    ip,
    windowSeconds: REQUEST_WINDOW_SECONDS,
    maxByEmail: MAX_REQUESTS_PER_EMAIL,
    maxByIp: MAX_REQUESTS_PER_IP,
  });
  if (!verdict.admitted) {
    const oldest = verdict.oldestInWindow?.getTime() ?? Date.now();
    const seconds = Math.max(1, Math.ceil((oldest + REQUEST_WINDOW_SECONDS * 1000 - Date.now()) / 1000));
    throw new AppError(429, 'reset_rate_limited', { seconds }, null, { 'retry-after': String(seconds) });
  }
  if (!deps.mailer.enabled) return;
  const user = await findUserByEmail(deps.db, email);
  if (!user) return;
  const url = await createResetLink(deps.db, deps.publicUrl, user.id);
  const lang = user.language ?? (await findAccount(deps.db, user.account_id))?.language ?? 'ru';
  void deps.mailer.send(
    passwordResetLetter(lang, { to: user.email, url, minutes: RESET_LINK_MINUTES }),
    'password-reset',
  );
}

/**
 * Sets the password a reset link was made for: the link is used up in the same transaction,
 * every other link and every session of the user end, and the sign-in lock on the e-mail is
 * lifted (the person has just shown they own it).
 */
export async function resetPassword(db: Db, token: string, password: string): Promise<User> {
  const passwordHash = await hashPassword(password);
  const user = await db.transaction().execute(async (trx) => {
    const userId = await consumePasswordReset(trx, sha256(token));
    if (!userId) throw new AppError(400, 'reset_link_invalid');
    const updated = await setUserPassword(trx, userId, passwordHash);
    if (!updated) throw new AppError(400, 'reset_link_invalid');
    await deleteUserPasswordResets(trx, userId);
    await deleteUserSessions(trx, userId);
    return updated;
  });
  await clearAuthFailures(db, user.email);
  return user;
}
