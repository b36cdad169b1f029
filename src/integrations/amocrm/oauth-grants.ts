/**
 * OAuth 2.0 grants against `{account host}/oauth2/access_token`. Plain HTTP: no token source, no gate.
 * amoCRM rotates refresh tokens on every use, so the caller must persist the new pair before using it.
 */

import { z } from 'zod';
import { AmoError, errorFromTokenAnswer } from './errors.js';
import { type AmoTokens, tokenAnswerSchema } from './schemas.js';
import { DEFAULT_TIMEOUT_MS, exchange, jsonOf, mayFollow, parseAnswer } from './transport.js';

export interface AmoOAuthClient {
  /** the account host, e.g. https://example.amocrm.ru */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  timeoutMs?: number;
  fetch: typeof fetch;
}

const PATH = '/oauth2/access_token';

async function grant(c: AmoOAuthClient, fields: Record<string, string>): Promise<AmoTokens> {
  const label = `POST ${PATH}`;
  const res = await exchange(
    c.fetch,
    {
      method: 'POST',
      url: `${c.baseUrl.replace(/\/+$/, '')}${PATH}`,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        redirect_uri: c.redirectUri,
        ...fields,
      }),
    },
    c.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    label,
  );
  if (res.status !== 200) throw errorFromTokenAnswer(res, label);
  const data = jsonOf(res, label);
  if (data === undefined) {
    throw new AmoError({ kind: 'bad_response', status: 200, request: label, detail: 'empty token answer' });
  }
  return parseAnswer(tokenAnswerSchema, data, label, 'the token answer');
}

/** Trades an authorization code (20 minutes, single use) for the first token pair. */
export function exchangeAuthorizationCode(c: AmoOAuthClient & { code: string }): Promise<AmoTokens> {
  return grant(c, { grant_type: 'authorization_code', code: c.code });
}

/** Trades a refresh token (single use) for a new pair; the old access token stops working. */
export function refreshAccessToken(c: AmoOAuthClient & { refreshToken: string }): Promise<AmoTokens> {
  return grant(c, { grant_type: 'refresh_token', refresh_token: c.refreshToken });
}

const subdomainSchema = z.object({ domain: z.string().min(1).max(253) }).loose();

/** The `api_domain` claim of an amoCRM access token (a JWT): the host that answers account lookups. */
function apiDomainOf(accessToken: string): string | null {
  try {
    const payload = JSON.parse(
      Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as {
      api_domain?: unknown;
    };
    return typeof payload.api_domain === 'string' ? payload.api_domain : null;
  } catch {
    return null;
  }
}

/**
 * The account's current base URL after its subdomain changed (docs §1.6): `GET
 * /oauth2/account/current/subdomain` with `X-Refresh-Token` on the token's API domain (else
 * www.amocrm.ru / www.kommo.com). The refresh token only goes to amoCRM's own hosts, or to the
 * configured host itself, and the answer is trusted only within the same bounds.
 */
export async function currentAccountHost(c: {
  baseUrl: string;
  accessToken: string;
  refreshToken: string;
  fetch: typeof fetch;
  timeoutMs?: number;
}): Promise<string | null> {
  const base = new URL(c.baseUrl);
  const claimed = apiDomainOf(c.accessToken);
  const fallback = base.hostname.endsWith('kommo.com') ? 'https://www.kommo.com' : 'https://www.amocrm.ru';
  let ask = new URL(fallback);
  if (claimed && URL.canParse(`${base.protocol}//${claimed}`)) {
    const u = new URL(`${claimed === base.host ? base.protocol : 'https:'}//${claimed}`);
    if (mayFollow(base, u)) ask = u;
  }
  const label = 'GET /oauth2/account/current/subdomain';
  const res = await exchange(
    c.fetch,
    {
      method: 'GET',
      url: new URL('/oauth2/account/current/subdomain', ask).toString(),
      headers: { accept: 'application/json', 'x-refresh-token': c.refreshToken },
    },
    c.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    label,
  );
  if (res.status !== 200) return null;
  const { domain } = parseAnswer(subdomainSchema, jsonOf(res, label), label, 'the account host');
  const moved = new URL(`${domain === base.host ? base.protocol : ask.protocol}//${domain}`);
  // Only a host of the same amoCRM zone, or (custom hosts: tests, self-hosted) the same machine.
  const sameMachine = moved.hostname === base.hostname && moved.protocol === base.protocol;
  if (!mayFollow(base, moved) && !sameMachine) return null;
  return moved.origin;
}
