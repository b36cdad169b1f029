import type { Db } from '../db/connection.js';
import { deleteOldAuthFailures } from '../db/queries/auth-failures.js';
import { closeExpiredDeliveryWindows } from '../db/queries/deliveries.js';
import { deleteOldCollectedEvents } from '../db/queries/hits.js';
import { staleOAuthIntegrations } from '../db/queries/integrations.js';
import { deleteSpentInvitations } from '../db/queries/invitations.js';
import { deleteOldPasswordResetRequests, deleteOldPasswordResets } from '../db/queries/password-resets.js';
import { deleteExpiredSessions } from '../db/queries/sessions.js';
import { AmoTokenStore } from '../integrations/amocrm/token-store.js';
import type { Logger } from '../logger.js';
import type { Sealer } from '../security/sealed.js';
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

/** amoCRM refresh tokens die after 3 months unused: a quiet project's are renewed well before. */
const REFRESH_EVERY_MS = 7 * 86_400_000;

export interface TokenRefreshDeps {
  /** seals amoCRM tokens (AMO_TOKEN_PURPOSE) */
  tokenSealer: Sealer;
  fetch?: typeof fetch;
}

/**
 * Refreshes the OAuth tokens not refreshed for a week, through the token store (one refresh at
 * a time per integration, the new pair stored before use). Returns how many were refreshed; a
 * refusal is left to show when the integration is next used.
 */
export async function refreshStaleTokens(db: Db, deps: TokenRefreshDeps, logger?: Logger): Promise<number> {
  const stale = await staleOAuthIntegrations(db, new Date(Date.now() - REFRESH_EVERY_MS));
  let refreshed = 0;
  for (const { id } of stale) {
    const store = new AmoTokenStore(db, deps.tokenSealer, id, { fetch: deps.fetch });
    try {
      await store.renew(await store.get());
      refreshed += 1;
    } catch (err) {
      logger?.warn(
        { integrationId: id, err: err instanceof Error ? err.message : String(err) },
        'amoCRM token refresh failed',
      );
    }
  }
  return refreshed;
}

export function startHousekeeping(
  db: Db,
  logger: Logger,
  tokens?: TokenRefreshDeps,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = sweepExpired(db)
      .then((n) => logger.debug(n, 'housekeeping sweep'))
      .catch((err: unknown) => logger.warn({ err }, 'housekeeping sweep failed'))
      .then(() => (tokens ? refreshStaleTokens(db, tokens, logger) : 0))
      .then((n) => n > 0 && logger.info({ refreshed: n }, 'amoCRM tokens refreshed ahead of expiry'))
      .catch((err: unknown) => logger.warn({ err }, 'token refresh sweep failed'));
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
