import type { Db } from '../db/connection.js';
import { deleteOldAuthFailures } from '../db/queries/auth-failures.js';
import { closeExpiredDeliveryWindows } from '../db/queries/deliveries.js';
import { deleteOldCollectedEvents } from '../db/queries/hits.js';
import { deleteSpentInvitations } from '../db/queries/invitations.js';
import { deleteOldPasswordResetRequests, deleteOldPasswordResets } from '../db/queries/password-resets.js';
import { deleteExpiredSessions } from '../db/queries/sessions.js';
import { ensureUpcomingPartitions } from '../tracking/partitions.js';

/**
 * Deletes what has expired (sessions, used or stale invitations and reset links, old sign-in
 * failures, old tracker event ids), ends delivery windows that are over, and makes sure the hits
 * partitions of this month and the next exist.
 */
export async function sweepExpired(db: Db): Promise<{
  events: number;
  sessions: number;
  invitations: number;
  failures: number;
  deliveries: number;
  resets: number;
}> {
  const sessions = await deleteExpiredSessions(db);
  const invitations = await deleteSpentInvitations(db);
  const failures = await deleteOldAuthFailures(db);
  const resets = await deleteOldPasswordResets(db);
  await deleteOldPasswordResetRequests(db);
  const events = await deleteOldCollectedEvents(db);
  // A created entity waited for visit data that never came: the window is over, it is done.
  const deliveries = await closeExpiredDeliveryWindows(db);
  await ensureUpcomingPartitions(db);
  return { deliveries, events, sessions, invitations, failures, resets };
}
