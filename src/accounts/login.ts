import type { Db } from '../db/connection.js';
import { findAccount, findUserByEmail } from '../db/queries/accounts.js';
import { admitAuthAttempt, clearAuthFailures } from '../db/queries/auth-failures.js';
import type { Account, User } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { burnPasswordCheck, verifyPassword } from '../security/passwords.js';

export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_EMAIL = 10;
export const MAX_FAILURES_PER_IP = 50;

/**
 * Checks a password with throttling kept in PostgreSQL, so the limit holds across API processes:
 * each attempt is counted as a failure before its password is tried (atomically with the check,
 * so parallel guesses cannot all slip under the limit), and too many recent failures for the
 * e-mail or the IP answer 429 without trying the password, the right one included.
 */
export async function authenticate(db: Db, email: string, password: string, ip: string): Promise<User> {
  const verdict = await admitAuthAttempt(db, {
    email,
    ip,
    windowSeconds: LOGIN_WINDOW_SECONDS,
    maxByEmail: MAX_FAILURES_PER_EMAIL,
    maxByIp: MAX_FAILURES_PER_IP,
  });
  if (!verdict.admitted) {
    const oldest = verdict.oldestInWindow?.getTime() ?? Date.now();
    const seconds = Math.max(1, Math.ceil((oldest + LOGIN_WINDOW_SECONDS * 1000 - Date.now()) / 1000));
    throw new AppError(429, 'rate_limited', { seconds }, null, { 'retry-after': String(seconds) });
  }
  const user = await findUserByEmail(db, email);
  if (!user) await burnPasswordCheck(password);
  const ok = user ? await verifyPassword(user.password_hash, password) : false;
  if (!user || !ok) throw new AppError(401, 'invalid_credentials');
  await clearAuthFailures(db, email);
  return user;
}

/** Signs in by e-mail and password (authenticate) and finds the user's account. */
export async function logIn(
  db: Db,
  email: string,
  password: string,
  ip: string,
): Promise<{ user: User; account: Account }> {
  const user = await authenticate(db, email, password, ip);
  const account = await findAccount(db, user.account_id);
  if (!account) throw new AppError(401, 'invalid_credentials');
  return { user, account };
}
