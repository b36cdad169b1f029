import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../connection.js';
import type { EmailTrackingTable } from '../schema.js';

export type EmailTracking = Selectable<EmailTrackingTable>;

/** The project's e-mail tracking settings; undefined when it has none. */
export function findEmailTracking(db: Db, projectId: string): Promise<EmailTracking | undefined> {
  return db.selectFrom('email_tracking').selectAll().where('project_id', '=', projectId).executeTakeFirst();
}

/**
 * Locks the project's settings row until the transaction ends (new pool bindings are made only
 * under it); false when the project has no e-mail tracking.
 */
export async function lockEmailTracking(trx: Db, projectId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('email_tracking')
    .select('project_id')
    .where('project_id', '=', projectId)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

/** Creates or replaces the project's settings. */
export async function saveEmailTracking(
  db: Db,
  projectId: string,
  values: Omit<Insertable<EmailTrackingTable>, 'project_id'>,
): Promise<void> {
  await db
    .insertInto('email_tracking')
    .values({ project_id: projectId, ...values })
    .onConflict((oc) => oc.column('project_id').doUpdateSet(values))
    .execute();
}
