import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import type { Logger } from '../logger.js';
import { ensureUpcomingPartitions } from '../tracking/partitions.js';

const EVERY_MS = 10 * 60_000;

/** Deletes what has expired (sessions, used or stale invitations and reset links, old sign-in failures). */
export async function sweepExpired(db: Db): Promise<{
  events: number;
  sessions: number;
  invitations: number;
  failures: number;
  deliveries: number;
  resets: number;
}> {
  const sessions = await db.deleteFrom('sessions').where('expires_at', '<', new Date()).executeTakeFirst();
  const invitations = await db
    .deleteFrom('invitations')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<', sql<Date>`now() - interval '30 days'`),
        eb('accepted_at', '<', sql<Date>`now() - interval '30 days'`),
      ]),
    )
    .executeTakeFirst();
  const failures = await db
    .deleteFrom('auth_failures')
    .where('created_at', '<', sql<Date>`now() - interval '1 day'`)
    .executeTakeFirst();
  // Reset links live an hour and requests are counted over an hour: a day later neither matters.
  const resets = await db
    .deleteFrom('password_resets')
    .where('expires_at', '<', sql<Date>`now() - interval '1 day'`)
    .executeTakeFirst();
  await db
    .deleteFrom('password_reset_requests')
    .where('created_at', '<', sql<Date>`now() - interval '1 day'`)
    .execute();
  // Retried tracker events arrive within minutes; a week of event ids is plenty to recognise them.
  const events = await db
    .deleteFrom('collected_events')
    .where('received_at', '<', sql<Date>`now() - interval '7 days'`)
    .executeTakeFirst();
  // A created entity waited for visit data that never came: the window is over, it is done.
  const waited = await db
    .updateTable('deliveries')
    .set({ state: 'done', reason: 'no visit data arrived within the window', updated_at: new Date() })
    .where('state', '=', 'waiting')
    .where('window_ends_at', '<', new Date())
    .executeTakeFirst();
  await ensureUpcomingPartitions(db);
  return {
    deliveries: Number(waited.numUpdatedRows),
    events: Number(events.numDeletedRows),
    sessions: Number(sessions.numDeletedRows),
    invitations: Number(invitations.numDeletedRows),
    failures: Number(failures.numDeletedRows),
    resets: Number(resets.numDeletedRows),
  };
}

export function startHousekeeping(db: Db, logger: Logger): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = sweepExpired(db)
      .then((n) => logger.debug(n, 'housekeeping sweep'))
      .catch((err: unknown) => logger.warn({ err }, 'housekeeping sweep failed'));
  };
  tick();
  const timer = setInterval(tick, EVERY_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
