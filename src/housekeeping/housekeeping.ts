import type { Db } from '../db/connection.js';
import type { Logger } from '../logger.js';
import { sweepExpired } from './expired.js';
import { refreshStaleTokens, type TokenRefreshDeps } from './token-refresh.js';

const EVERY_MS = 10 * 60_000;

/**
 * The worker role's periodic chores, every 10 minutes: sweep what has expired (and keep the hits
 * partitions ahead of time), then refresh the OAuth tokens about to go stale.
 */
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
