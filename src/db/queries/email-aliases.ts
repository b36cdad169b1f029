import { sql } from 'kysely';
import type { Db } from '../connection.js';

/**
 * Pool bindings made for one client address in a project within the last `minutes`. Exact only
 * under the project's email_tracking row lock (the caller holds it).
 */
export async function poolBindingsFromIp(
  db: Db,
  projectId: string,
  ip: string,
  minutes: number,
): Promise<number> {
  const row = await db
    .selectFrom('email_aliases')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('project_id', '=', projectId)
    .where('ip', '=', ip)
    .where('valid_from', '>', sql<Date>`now() - make_interval(mins => ${minutes}::int)`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
