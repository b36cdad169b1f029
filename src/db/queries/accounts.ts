import type { Db } from '../connection.js';
import type { Account, Language, User, UserRole } from '../schema.js';

export interface AccountSettings {
  name?: string;
  timezone?: string;
  currency?: string;
  language?: Language;
}

/** Creates an account with its first user (the owner) in one transaction. */
export async function createAccountWithOwner(
  db: Db,
  account: { name: string; timezone?: string; currency?: string; language?: Language },
  owner: { email: string; name: string; passwordHash: string },
): Promise<{ account: Account; user: User }> {
  return db.transaction().execute(async (trx) => {
    const acc = await trx.insertInto('accounts').values(account).returningAll().executeTakeFirstOrThrow();
    const user = await trx
      .insertInto('users')
      .values({
        account_id: acc.id,
        email: owner.email,
        name: owner.name,
        password_hash: owner.passwordHash,
        role: 'owner',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { account: acc, user };
  });
}

export function findAccount(db: Db, id: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export function updateAccount(db: Db, id: string, patch: AccountSettings): Promise<Account | undefined> {
  return db
    .updateTable('accounts')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

export function findUser(db: Db, accountId: string, id: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

export function listUsers(db: Db, accountId: string): Promise<User[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .execute();
}

export function countOwners(db: Db, accountId: string): Promise<number> {
  return db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

export function updateUser(
  db: Db,
  accountId: string,
  id: string,
  patch: { name?: string; language?: Language | null; role?: UserRole; password_hash?: string },
): Promise<User | undefined> {
  return db
    .updateTable('users')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteUser(db: Db, accountId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('users')
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

export function insertUser(
  db: Db,
  user: { accountId: string; email: string; name: string; passwordHash: string; role: UserRole },
): Promise<User> {
  return db
    .insertInto('users')
    .values({
      account_id: user.accountId,
      email: user.email,
      name: user.name,
      password_hash: user.passwordHash,
      role: user.role,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Runs `fn` in a transaction holding the account row's lock, so membership changes of one account
 * (role changes, removals) run one at a time: two owners demoting each other at once cannot both
 * pass the "another owner remains" check.
 */
export function withAccountLock<T>(db: Db, accountId: string, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
    return fn(trx);
  });
}

/** Sets a new password hash (a reset by link, where only the user id is known). */
export function setUserPassword(db: Db, userId: string, passwordHash: string): Promise<User | undefined> {
  return db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: new Date() })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirst();
}
