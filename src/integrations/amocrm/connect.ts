/** How Leadtrail reaches an account: the stored connection, a client with its tokens and the shared rate gate. */
import type { Db } from '../../db/connection.js';
import { saveIntegrationConnection } from '../../db/queries/integrations.js';
import type { Integration } from '../../db/schema.js';
import { createRateGate } from '../../delivery/rate-gate.js';
import type { Sealer } from '../../security/sealed.js';
import { AmoClient, AmoError, type AmoRateGate, type AmoTokenSource } from './client.js';
import { defaultSettings } from './settings.js';
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

/** The one rate limit of an account, kept by every process together (keyed by the account's host). */
export function amoGate(db: Db, baseUrl: string): AmoRateGate {
  return createRateGate(db, `amocrm:${baseUrl}`, { perSecond: AMO_REQUESTS_PER_SECOND });
}

/** A client for a stored integration: its tokens (refreshed once across processes) and the shared rate limit. */
export function amoClientFor(deps: AmoDeps, row: Integration): AmoClient {
  return new AmoClient({
    baseUrl: row.base_url,
    tokens: new AmoTokenStore(deps.db, deps.tokenSealer, row.id, { fetch: deps.fetch }),
    gate: amoGate(deps.db, row.base_url),
    fetch: deps.fetch,
  });
}

/** A client with a long-lived token not stored yet (checked before it is saved). */
export function amoClientWithToken(deps: AmoDeps, baseUrl: string, token: string): AmoClient {
  return new AmoClient({
    baseUrl,
    tokens: fixedToken(token),
    gate: amoGate(deps.db, baseUrl),
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

/** Has tokens (an OAuth connection has none until the user allows access). */
export const isConnected = (row: Integration | undefined): boolean => Boolean(row?.access_token_enc);

export interface ConnectionRow {
  baseUrl: string;
  auth: 'long_lived' | 'oauth';
  clientId: string | null;
  clientSecretEnc: string | null;
  redirectUri: string | null;
  accessTokenEnc: string | null;
  refreshTokenEnc: string | null;
  accessExpiresAt: Date | null;
  remoteAccountId: number | null;
}

/** Creates the project's amoCRM integration or replaces its connection (settings are kept). */
export function saveConnection(db: Db, projectId: string, c: ConnectionRow): Promise<Integration> {
  return saveIntegrationConnection(
    db,
    projectId,
    'amocrm',
    {
      base_url: c.baseUrl,
      auth: c.auth,
      client_id: c.clientId,
      client_secret_enc: c.clientSecretEnc,
      redirect_uri: c.redirectUri,
      access_token_enc: c.accessTokenEnc,
      refresh_token_enc: c.refreshTokenEnc,
      access_expires_at: c.accessExpiresAt,
      remote_account_id: c.remoteAccountId,
      tokens_refreshed_at: c.refreshTokenEnc ? new Date() : null,
    },
    defaultSettings(),
  );
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
