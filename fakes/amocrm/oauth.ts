/** OAuth 2.0 as amoCRM runs it: authorization codes, rotating single-use refresh tokens, long-lived tokens. */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { json, problem, type Reply } from './hal.js';
import type { FakeAmoState } from './state.js';
import type { JsonObject } from './types.js';
import { isObject } from './types.js';

export const ACCESS_TTL = 86_400;
export const CODE_TTL = 20 * 60;
export const REFRESH_TTL = 90 * 86_400;
export const LONG_LIVED_TTL = 365 * 86_400;

export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** HTTP status for a spent/revoked refresh token (the body says 401 in amocrm-api-php #123) */
  revokedRefreshStatus: 400 | 401;
  /** host put into the JWT's api_domain claim */
  apiDomain: () => string;
}

const OAUTH_TYPE = 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson';

/** The error body the token endpoint answers with (amocrm-api-php #123). */
export function oauthProblem(status: number, hint: string): Reply {
  return json(status, {
    hint,
    title: 'Некорректный запрос',
    type: OAUTH_TYPE,
    status,
    detail: 'В запросе отсутствует ряд параметров или параметры невалидны',
  });
}

function b64url(s: string | Buffer): string {
  return Buffer.from(s).toString('base64url');
}

function jwt(cfg: OAuthConfig, state: FakeAmoState, userId: number, ttl: number): string {
  const now = state.now();
  const header = { typ: 'JWT', alg: 'HS256' };
  const payload = {
    aud: cfg.clientId,
    jti: randomBytes(20).toString('hex'),
    iat: now,
    nbf: now,
    exp: now + ttl,
    sub: String(userId),
    grant_type: '',
    account_id: state.account.id,
    base_domain: 'amocrm.ru',
    version: 2,
    scopes: ['push_notifications', 'files', 'crm', 'files_delete', 'notifications'],
    hash_uuid: randomUUID(),
    api_domain: cfg.apiDomain(),
  };
  const unsigned = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const sig = createHmac('sha256', cfg.clientSecret).update(unsigned).digest('base64url');
  return `${unsigned}.${sig}`;
}

function opaque(): string {
  return `def50200${randomBytes(160).toString('hex')}`;
}

export function issueAuthorizationCode(state: FakeAmoState, userId: number): string {
  const code = opaque();
  state.authCodes.set(code, { code, userId, expiresAt: state.now() + CODE_TTL, used: false });
  return code;
}

export function issueLongLivedToken(
  cfg: OAuthConfig,
  state: FakeAmoState,
  userId: number,
  ttl = LONG_LIVED_TTL,
): string {
  const token = jwt(cfg, state, userId, ttl);
  state.accessTokens.set(token, {
    token,
    userId,
    expiresAt: state.now() + ttl,
    revoked: false,
    kind: 'long_lived',
  });
  return token;
}

function issuePair(cfg: OAuthConfig, state: FakeAmoState, userId: number): JsonObject {
  const access = jwt(cfg, state, userId, ACCESS_TTL);
  const refresh = opaque();
  const now = state.now();
  state.accessTokens.set(access, {
    token: access,
    userId,
    expiresAt: now + ACCESS_TTL,
    revoked: false,
    kind: 'oauth',
  });
  state.refreshTokens.set(refresh, {
    token: refresh,
    userId,
    expiresAt: now + REFRESH_TTL,
    used: false,
    revoked: false,
    accessToken: access,
  });
  return { token_type: 'Bearer', expires_in: ACCESS_TTL, access_token: access, refresh_token: refresh };
}

/** Parses a JSON or form-encoded body of the token endpoint. */
export function parseTokenBody(raw: string, contentType: string): Record<string, unknown> | null {
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    const v: unknown = JSON.parse(raw);
    return isObject(v) ? v : null;
  } catch {
    // some clients post form bodies without a content type
    if (raw.includes('=')) return Object.fromEntries(new URLSearchParams(raw));
    return null;
  }
}

/** POST /oauth2/access_token */
export function tokenEndpoint(
  cfg: OAuthConfig,
  state: FakeAmoState,
  body: Record<string, unknown> | null,
): Reply {
  if (!body) return oauthProblem(400, 'Check the `grant_type` parameter');
  const s = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  const grant = s('grant_type');
  if (grant !== 'authorization_code' && grant !== 'refresh_token') {
    return oauthProblem(400, 'Check the `grant_type` parameter');
  }
  if (s('client_id') === undefined) return oauthProblem(400, 'Check the `client_id` parameter');
  if (s('client_id') !== cfg.clientId || s('client_secret') !== cfg.clientSecret) {
    return oauthProblem(401, 'Client authentication failed');
  }
  const redirect = s('redirect_uri');
  if (redirect === undefined) return oauthProblem(400, 'Check the `redirect_uri` parameter');
  if (redirect !== cfg.redirectUri) return oauthProblem(400, 'Invalid redirect URI');
  const now = state.now();

  if (grant === 'authorization_code') {
    const code = s('code');
    if (code === undefined) return oauthProblem(400, 'Check the `code` parameter');
    const rec = state.authCodes.get(code);
    if (!rec) return oauthProblem(400, 'Cannot decrypt the authorization code');
    if (rec.used) return oauthProblem(400, 'Authorization code has been revoked');
    if (rec.expiresAt <= now) return oauthProblem(400, 'Authorization code has expired');
    rec.used = true;
    state.codeExchanges += 1;
    return json(200, issuePair(cfg, state, rec.userId));
  }

  state.refreshAttempts += 1;
  const token = s('refresh_token');
  if (token === undefined) return oauthProblem(400, 'Check the `refresh_token` parameter');
  const rec = state.refreshTokens.get(token);
  if (!rec) return oauthProblem(401, 'Cannot decrypt the refresh token');
  if (rec.used || rec.revoked) return oauthProblem(cfg.revokedRefreshStatus, 'Token has been revoked');
  if (rec.expiresAt <= now) return oauthProblem(401, 'Token has expired');
  rec.used = true;
  // As in league/oauth2-server (which this error format comes from) the old access token dies too.
  const old = state.accessTokens.get(rec.accessToken);
  if (old) old.revoked = true;
  state.refreshCount += 1;
  return json(200, issuePair(cfg, state, rec.userId));
}

/** Checks `Authorization: Bearer …`; returns the user id or a 401 problem reply. */
export function authenticate(state: FakeAmoState, header: string | undefined): number | Reply {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return problem(401, 'Unauthorized: no access token');
  const rec = state.accessTokens.get(m[1]!);
  if (!rec || rec.revoked || rec.expiresAt <= state.now()) return problem(401, 'Неверный логин или пароль');
  return rec.userId;
}

/** Test hook: every OAuth access token (optionally long-lived ones too) is expired from now on. */
export function expireAccessTokens(state: FakeAmoState, includeLongLived = false): void {
  const now = state.now();
  for (const t of state.accessTokens.values()) {
    if (t.kind === 'oauth' || includeLongLived) t.expiresAt = Math.min(t.expiresAt, now);
  }
}

/** Revokes one token of any kind (access, long-lived or refresh), as "Granted access → revoke" does. */
export function revokeToken(state: FakeAmoState, token: string): boolean {
  const a = state.accessTokens.get(token);
  if (a) a.revoked = true;
  const r = state.refreshTokens.get(token);
  if (r) r.revoked = true;
  return a !== undefined || r !== undefined;
}
