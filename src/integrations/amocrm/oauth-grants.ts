/**
 * OAuth 2.0 grants against `{account host}/oauth2/access_token`. Plain HTTP: no token source, no gate.
 * amoCRM rotates refresh tokens on every use, so the caller must persist the new pair before using it.
 */
import { AmoError, errorFromTokenAnswer } from './errors.js';
import { type AmoTokens, tokenAnswerSchema } from './schemas.js';
import { DEFAULT_TIMEOUT_MS, exchange, jsonOf, parseAnswer } from './transport.js';

export interface AmoOAuthClient {
  /** the account host, e.g. https://example.amocrm.ru */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const PATH = '/oauth2/access_token';

async function grant(c: AmoOAuthClient, fields: Record<string, string>): Promise<AmoTokens> {
  const label = `POST ${PATH}`;
  const res = await exchange(
    c.fetch ?? globalThis.fetch,
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
