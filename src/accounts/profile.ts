import type { z } from 'zod';
import type { Db } from '../db/connection.js';
import { updateUser } from '../db/queries/accounts.js';
import { deleteUserApiTokens } from '../db/queries/api-tokens.js';
import { deleteUserPasswordResets } from '../db/queries/password-resets.js';
import { deleteUserSessions } from '../db/queries/sessions.js';
import type { User } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import { hashPassword, verifyPassword } from '../security/passwords.js';
import type { meBody } from './serialize.js';

/**
 * Changes the user's own name, language or password. A new password needs the current one, and
 * ends every other session of the user (a stolen cookie stops working) and every reset link; with
 * revokeApiTokens also the user's personal API tokens.
 */
export async function changeProfile(
  db: Db,
  me: { user: User; sessionHash: string | null },
  changes: z.output<typeof meBody>,
): Promise<User> {
  const { name, language, password } = changes;
  let passwordHash: string | undefined;
  if (password) {
    if (!(await verifyPassword(me.user.password_hash, password.current)))
      throw new AppError(400, 'wrong_password');
    passwordHash = await hashPassword(password.new);
  }
  const user = await updateUser(db, me.user.account_id, me.user.id, {
    ...(name !== undefined && { name }),
    ...(language !== undefined && { language }),
    ...(passwordHash && { password_hash: passwordHash }),
  });
  if (!user) throw notFound();
  if (passwordHash) await deleteUserSessions(db, user.id, me.sessionHash ?? undefined);
  if (passwordHash) await deleteUserPasswordResets(db, user.id);
  if (passwordHash && password?.revokeApiTokens) await deleteUserApiTokens(db, user.id);
  return user;
}
