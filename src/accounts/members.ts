import type { Db } from '../db/connection.js';
import { countOwners, deleteUser, findUser, updateUser, withAccountLock } from '../db/queries/accounts.js';
import type { User, UserRole } from '../db/schema.js';
import { AppError, forbidden, notFound } from '../http/errors.js';

// Roles are checked and changed under the account lock, re-read there: concurrent demotions or
// removals must not leave an account without an owner.

/** Changes a member's role (owners only); the last owner cannot step down (409 last_owner). */
export async function changeMemberRole(
  db: Db,
  accountId: string,
  actorId: string,
  targetId: string,
  role: UserRole,
): Promise<User> {
  const user = await withAccountLock(db, accountId, async (trx) => {
    const me = await findUser(trx, accountId, actorId);
    if (me?.role !== 'owner') throw forbidden();
    const target = await findUser(trx, accountId, targetId);
    if (!target) throw notFound();
    if (target.role === 'owner' && role !== 'owner' && (await countOwners(trx, accountId)) <= 1) {
      throw new AppError(409, 'last_owner');
    }
    return updateUser(trx, accountId, target.id, { role });
  });
  if (!user) throw notFound();
  return user;
}

/** Removes a member: owners remove anyone, admins remove viewers; never the last owner. */
export async function removeMember(
  db: Db,
  accountId: string,
  actorId: string,
  targetId: string,
): Promise<void> {
  await withAccountLock(db, accountId, async (trx) => {
    const me = await findUser(trx, accountId, actorId);
    const target = await findUser(trx, accountId, targetId);
    if (!me || !target) throw notFound();
    const allowed = me.role === 'owner' || (me.role === 'admin' && target.role === 'viewer');
    if (!allowed) throw forbidden();
    if (target.role === 'owner' && (await countOwners(trx, accountId)) <= 1) {
      throw new AppError(409, 'last_owner');
    }
    await deleteUser(trx, accountId, target.id);
  });
}
