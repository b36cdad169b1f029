/**
 * Connecting by OAuth: the connection is stored at once and waits for the user to allow access in
 * amoCRM, which sends the browser back to our callback with a code. The state is the capability:
 * single use, 30 minutes, stored hashed and bound to the integration it was made for.
 */
import { randomBytes } from 'node:crypto';
import {
  claimOAuthState,
  findIntegrationById,
  insertOAuthState,
  resumeIntegration,
  setRemoteAccountId,
} from '../../db/queries/integrations.js';
import type { Integration } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import type { Logger } from '../../logger.js';
import { sha256 } from '../../security/tokens.js';
import { AmoError, exchangeAuthorizationCode } from './client.js';
import { type AmoDeps, amoClientFor, authorizeUrl, saveConnection } from './connect.js';
import { accountBaseUrl, type ConnectionBody } from './settings.js';

const OAUTH_STATE_TTL_MS = 30 * 60_000;

export interface OAuthDeps extends AmoDeps {
  /** PUBLIC_URL: the cabinet's pages the browser is sent back to */
  publicUrl: string;
  /** ALLOW_CUSTOM_INTEGRATION_HOSTS: a custom host serves the consent screen itself */
  allowCustomHosts: boolean;
}

/** Our callback, registered as the redirect URI of the user's amoCRM integration. */
export const oauthRedirectUri = (publicUrl: string) => `${publicUrl}/api/v1/integrations/amocrm/callback`;

/** A new single-use state for the integration, and the consent screen's address that carries it. */
export async function startAuthorization(deps: OAuthDeps, row: Integration): Promise<string> {
  const state = randomBytes(24).toString('base64url');
  await insertOAuthState(deps.db, {
    state_hash: sha256(state),
    project_id: row.project_id,
    kind: 'amocrm',
    payload_enc: deps.tokenSealer.seal(JSON.stringify({ integrationId: row.id })),
    expires_at: new Date(Date.now() + OAUTH_STATE_TTL_MS),
  });
  return authorizeUrl({
    baseUrl: row.base_url,
    custom: deps.allowCustomHosts,
    clientId: row.client_id ?? '',
    state,
  });
}

/** Stores an OAuth connection (no tokens yet) and returns it with the address where access is allowed. */
export async function connectOAuth(
  deps: OAuthDeps,
  projectId: string,
  c: ConnectionBody & { clientId: string; clientSecret: string },
): Promise<{ row: Integration; authorizeUrl: string }> {
  const row = await saveConnection(deps.db, projectId, {
    baseUrl: accountBaseUrl(c),
    auth: 'oauth',
    clientId: c.clientId,
    clientSecretEnc: deps.tokenSealer.seal(c.clientSecret),
    redirectUri: oauthRedirectUri(deps.publicUrl),
    accessTokenEnc: null,
    refreshTokenEnc: null,
    accessExpiresAt: null,
    remoteAccountId: null,
  });
  return { row, authorizeUrl: await startAuthorization(deps, row) };
}

/**
 * The callback: claims the state, trades the code for the first token pair at the stored account's
 * host (never the `referer` amoCRM adds to the URL: a forged one would choose where our secret goes),
 * stores it and resumes a paused integration. Returns the cabinet page to send the browser to, which
 * says whether it worked; an invalid state is a 400.
 */
export async function finishAuthorization(
  deps: OAuthDeps,
  q: { state: string; code?: string; error?: string },
  log: Pick<Logger, 'warn'>,
): Promise<string> {
  const claimed = await claimOAuthState(deps.db, sha256(q.state));
  if (!claimed || claimed.expires_at.getTime() < Date.now()) throw new AppError(400, 'oauth_state_invalid');
  const { integrationId } = JSON.parse(deps.tokenSealer.open(claimed.payload_enc)) as {
    integrationId: string;
  };
  const row = await findIntegrationById(deps.db, integrationId);
  if (!row?.client_id || !row.client_secret_enc || !row.redirect_uri)
    throw new AppError(400, 'oauth_state_invalid');
  const page = `${deps.publicUrl}/projects/${row.project_id}/amocrm`;
  if (!q.code) return `${page}?error=${encodeURIComponent(q.error ?? 'denied')}`;
  try {
    const t = await exchangeAuthorizationCode({
      baseUrl: row.base_url,
      clientId: row.client_id,
      clientSecret: deps.tokenSealer.open(row.client_secret_enc),
      redirectUri: row.redirect_uri,
      code: q.code,
      fetch: deps.fetch,
    });
    const saved = await saveConnection(deps.db, row.project_id, {
      baseUrl: row.base_url,
      auth: 'oauth',
      clientId: row.client_id,
      clientSecretEnc: row.client_secret_enc,
      redirectUri: row.redirect_uri,
      accessTokenEnc: deps.tokenSealer.seal(t.accessToken),
      refreshTokenEnc: deps.tokenSealer.seal(t.refreshToken),
      accessExpiresAt: new Date(Date.now() + t.expiresIn * 1000),
      remoteAccountId: null,
    });
    const account = await amoClientFor(deps, saved)
      .account()
      .catch(() => null);
    if (account) await setRemoteAccountId(deps.db, saved.id, account.id);
    if (account && saved.paused_at) await resumeIntegration(deps.db, saved.id);
    return `${page}?connected=1`;
  } catch (err) {
    log.warn({ err: err instanceof AmoError ? err.message : String(err) }, 'amoCRM OAuth exchange failed');
    const detail = err instanceof AmoError ? err.detail : 'exchange failed';
    return `${page}?error=${encodeURIComponent(detail)}`;
  }
}
