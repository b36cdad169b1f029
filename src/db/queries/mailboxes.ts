import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type pg from 'pg';
import type { Db } from '../connection.js';
import type { MailboxesTable } from '../schema.js';

export type Mailbox = Selectable<MailboxesTable>;

/** A project's mailboxes, oldest first. */
export function listProjectMailboxes(db: Db, projectId: string): Promise<Mailbox[]> {
  return db
    .selectFrom('mailboxes')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('created_at')
    .execute();
}

/** Every mailbox of a project not deleted: what the pollers read. */
export function listLiveMailboxes(db: Db): Promise<Mailbox[]> {
  return db
    .selectFrom('mailboxes')
    .innerJoin('projects', 'projects.id', 'mailboxes.project_id')
    .selectAll('mailboxes')
    .where('projects.deleted_at', 'is', null)
    .execute();
}

/** A mailbox by id; within a project when one is given (another project's is none). */
export function findMailbox(db: Db, id: string, projectId?: string): Promise<Mailbox | undefined> {
  let q = db.selectFrom('mailboxes').selectAll().where('id', '=', id);
  if (projectId !== undefined) q = q.where('project_id', '=', projectId);
  return q.executeTakeFirst();
}

export async function insertMailbox(db: Db, values: Insertable<MailboxesTable>): Promise<void> {
  await db.insertInto('mailboxes').values(values).execute();
}

export async function updateMailbox(db: Db, id: string, fields: Updateable<MailboxesTable>): Promise<void> {
  await db.updateTable('mailboxes').set(fields).where('id', '=', id).execute();
}

export async function deleteMailboxes(db: Db, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('mailboxes').where('id', 'in', ids).execute();
}

/** The reader's status line; `connected` also stamps the time of the last good look. */
export async function setMailboxStatus(
  db: Db,
  id: string,
  status: 'connected' | 'error',
  message: string | null,
): Promise<void> {
  await db
    .updateTable('mailboxes')
    .set({
      status,
      status_message: message,
      ...(status === 'connected' ? { last_sync_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', id)
    .execute();
}

// Per-folder reading position (mailbox_folders): the UIDVALIDITY a folder was read under and the
// highest UID looked at.

/** The highest UID read in any folder of each mailbox (mailboxes never read are left out). */
export function lastUidsOf(
  db: Db,
  mailboxIds: string[],
): Promise<{ mailbox_id: string; last_uid: number }[]> {
  if (mailboxIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('mailbox_folders')
    .select(['mailbox_id', (eb) => eb.fn.max('last_uid').as('last_uid')])
    .where('mailbox_id', 'in', mailboxIds)
    .groupBy('mailbox_id')
    .execute();
}

/** One folder of one mailbox. */
export interface FolderRef {
  mailboxId: string;
  folder: string;
}

export function findFolderPosition(
  db: Db,
  f: FolderRef,
): Promise<{ uid_validity: number; last_uid: number } | undefined> {
  return db
    .selectFrom('mailbox_folders')
    .select(['uid_validity', 'last_uid'])
    .where((eb) => eb.and({ mailbox_id: f.mailboxId, folder: f.folder }))
    .executeTakeFirst();
}

/** A folder read for the first time: nothing read yet (a no-op when another process was first). */
export async function addFolderPosition(db: Db, f: FolderRef, uidValidity: number): Promise<void> {
  await db
    .insertInto('mailbox_folders')
    .values({ mailbox_id: f.mailboxId, folder: f.folder, uid_validity: uidValidity, last_uid: 0 })
    .onConflict((oc) => oc.columns(['mailbox_id', 'folder']).doNothing())
    .execute();
}

/** The server renumbered the folder (a new UIDVALIDITY): reading starts over. */
export async function restartFolderPosition(db: Db, f: FolderRef, uidValidity: number): Promise<void> {
  await db
    .updateTable('mailbox_folders')
    .set({ uid_validity: uidValidity, last_uid: 0 })
    .where((eb) => eb.and({ mailbox_id: f.mailboxId, folder: f.folder }))
    .execute();
}

/** Everything up to `uid` has been looked at; never moves back, nor across a renumbering. */
export async function advanceFolderPosition(
  db: Db,
  f: FolderRef,
  uidValidity: number,
  uid: number,
): Promise<void> {
  await db
    .updateTable('mailbox_folders')
    .set({ last_uid: uid })
    .where((eb) => eb.and({ mailbox_id: f.mailboxId, folder: f.folder }))
    .where('uid_validity', '=', uidValidity)
    .where('last_uid', '<', uid)
    .execute();
}

// One reader per mailbox across processes: a session-level advisory lock, taken on a connection
// of the reading process's own and held while it reads.

/** Advisory lock namespace ('mbox'): the two-key form keeps clear of single-key locks. */
const MAILBOX_LOCK_NAMESPACE = 0x6d626f78;

/** Takes the mailbox's reading lock on this session unless another session holds it. */
export async function tryLockMailbox(session: pg.ClientBase, id: string): Promise<boolean> {
  const r = await session.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as ok', [
    MAILBOX_LOCK_NAMESPACE,
    id,
  ]);
  return r.rows[0]?.ok === true;
}

export async function unlockMailbox(session: pg.ClientBase, id: string): Promise<void> {
  await session.query('select pg_advisory_unlock($1, hashtext($2))', [MAILBOX_LOCK_NAMESPACE, id]);
}
