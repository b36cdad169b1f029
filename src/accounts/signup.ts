import type { z } from 'zod';
import type { Db } from '../db/connection.js';
import { createAccountWithOwner, findUserByEmail } from '../db/queries/accounts.js';
import type { Account, User } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { isUniqueViolation } from '../http/pg-errors.js';
import { hashPassword } from '../security/passwords.js';
import type { signupBody } from './serialize.js';

/** Creates an account and its owner; an e-mail that already has a user is 409 email_taken. */
export async function signUp(
  db: Db,
  b: z.output<typeof signupBody>,
): Promise<{ user: User; account: Account }> {
  if (await findUserByEmail(db, b.email)) throw new AppError(409, 'email_taken');
  const passwordHash = await hashPassword(b.password);
  return createAccountWithOwner(
    db,
    { name: b.accountName, language: b.language, timezone: b.timezone, currency: b.currency },
    { email: b.email, name: b.name ?? '', passwordHash },
  ).catch((err: unknown) => {
    if (isUniqueViolation(err)) throw new AppError(409, 'email_taken');
    throw err;
  });
}
