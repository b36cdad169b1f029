import type { Db } from '../../db/connection.js';
import type { Integration } from '../../db/schema.js';
import { createRateGate } from '../../delivery/rate-gate.js';
import type { Sealer } from '../../security/sealed.js';
import { AmoClient, AmoError, type AmoTokenSource } from './client.js';
import { AmoTokenStore } from './token-store.js';

/** amoCRM allows 7 requests per second per account and blocks accounts that keep exceeding it. */
export const AMO_REQUESTS_PER_SECOND = 7;

export interface AmoDeps {
  db: Db;
  /** seals the integration's tokens and client secret */
  tokenSealer: Sealer;
  /** the address guard's fetch (src/delivery/address-guard.ts), or a test's own */
  fetch: typeof fetch;
}

/** A client for a stored integration: its tokens (refreshed once across processes) and the shared rate limit. */
export function amoClientFor(deps: AmoDeps, row: Integration): AmoClient {
  return new AmoClient({
    baseUrl: row.base_url,
    tokens: new AmoTokenStore(deps.db, deps.tokenSealer, row.id, { fetch: deps.fetch }),
    gate: createRateGate(deps.db, `amocrm:${row.base_url}`, { perSecond: AMO_REQUESTS_PER_SECOND }),
    fetch: deps.fetch,
  });
}

/** A token not stored yet (checking a long-lived token before saving it): nothing to renew. */
export function fixedToken(token: string): AmoTokenSource {
  return {
    get: async () => token,
    renew: async () => {
      throw new AmoError({
        kind: 'auth',
        status: 401,
        detail: 'amoCRM refused the token: check that it is a valid long-lived token of this account',
        request: 'token',
      });
    },
  };
}

/**
 * Where the user grants access: amoCRM's consent screen, which then redirects to our callback with
 * a code. A custom base URL (tests, the fake) serves the screen itself.
 */
export function authorizeUrl(o: {
  baseUrl: string;
  custom: boolean;
  clientId: string;
  state: string;
}): string {
  const host = o.custom
    ? o.baseUrl
    : o.baseUrl.endsWith('.kommo.com')
      ? 'https://www.kommo.com'
      : 'https://www.amocrm.ru';
  const u = new URL('/oauth', host);
  u.searchParams.set('client_id', o.clientId);
  u.searchParams.set('state', o.state);
  u.searchParams.set('mode', 'post_message');
  return u.toString();
}
