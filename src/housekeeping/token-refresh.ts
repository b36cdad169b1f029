import type { Db } from '../db/connection.js';
import { staleOAuthIntegrations } from '../db/queries/integrations.js';
import { AmoTokenStore } from '../integrations/amocrm/token-store.js';
import type { Logger } from '../logger.js';
import type { Sealer } from '../security/sealed.js';

/** amoCRM refresh tokens die after 3 months unused: a quiet project's are renewed well before. */
const REFRESH_EVERY_MS = 7 * 86_400_000;

export interface TokenRefreshDeps {
  /** seals amoCRM tokens (AMO_TOKEN_PURPOSE) */
  tokenSealer: Sealer;
  fetch: typeof fetch;
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
