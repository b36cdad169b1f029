import type { Selectable } from 'kysely';
import type { Db } from '../connection.js';
import type { IntegrationKind, IntegrationLogTable } from '../schema.js';

/**
 * A page of the project's log for one destination, newest first: up to `limit` rows with ids
 * below `before` (an id from the previous page) when given.
 */
export function listIntegrationLog(
  db: Db,
  projectId: string,
  destination: IntegrationKind,
  page: { before?: string; limit: number },
): Promise<Selectable<IntegrationLogTable>[]> {
  let q = db
    .selectFrom('integration_log')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('destination', '=', destination)
    .orderBy('id', 'desc')
    .limit(page.limit);
  if (page.before) q = q.where('id', '<', page.before);
  return q.execute();
}

export interface LogEntry {
  projectId: string;
  destination: IntegrationKind;
  leadId: string | null;
  level: IntegrationLogTable['level'];
  message: string;
}

/** One line of a project's integration log (what was sent where, and what went wrong). */
export async function addIntegrationLog(db: Db, e: LogEntry): Promise<void> {
  await db
    .insertInto('integration_log')
    .values({
      project_id: e.projectId,
      destination: e.destination,
      lead_id: e.leadId,
      level: e.level,
      message: e.message,
    })
    .execute();
}
