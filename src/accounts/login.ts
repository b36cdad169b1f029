import type { Db } from '../db/connection.js';
import { findUserByEmail } from '../db/queries/accounts.js';
import {
  clearAuthFailures,
  countRecentAuthFailures,
  recordAuthFailure,
} from '../db/queries/auth-failures.js';
import type { User } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { burnPasswordCheck, verifyPassword } from '../security/passwords.js';

export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_EMAIL = 10;
export const MAX_FAILURES_PER_IP = 50;

/**
 * Checks a password with throttling kept in PostgreSQL, so the limit holds across API processes:
 * too many recent failures for the e-mail or the IP answer 429 before any password is tried.
 */
export async function authenticate(db: Db, email: string, password: string, ip: string): Promise<User> {
  const recent = await countRecentAuthFailures(db, email, ip, LOGIN_WINDOW_SECONDS);
  if (recent.byEmail >= MAX_FAILURES_PER_EMAIL || recent.byIp >= MAX_FAILURES_PER_IP) {
    const oldest = recent.oldestInWindow?.getTime() ?? Date.now();
    const seconds = Math.max(1, Math.ceil((oldest + LOGIN_WINDOW_SECONDS * 1000 - Date.now()) / 1000));
    throw new AppError(429, 'rate_limited', { seconds }, null, { 'retry-after': String(seconds) });
  }
  const user = await findUserByEmail(db, email);
  if (!user) await burnPasswordCheck(password);
  const ok = user ? await verifyPassword(user.password_hash, password) : false;
  if (!user || !ok) {
    await recordAuthFailure(db, email, ip);
    throw new AppError(401, 'invalid_credentials');
  }
  await clearAuthFailures(db, email);
  return user;
}
