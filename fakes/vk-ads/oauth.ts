/**
 * `POST /api/v2/oauth2/token.json` (client_credentials, agency_client_credentials, refresh_token),
 * `POST /api/v2/oauth2/token/delete.json`, and checking the bearer token of an API call.
 * Rules (ads.vk.com Authorization): a token lives a day; at most 5 tokens per (client_id, user) in any
 * state, the 6th request gets 403; a refresh changes the access value in place and the old value
 * dies at once; the refresh token stays the same.
 */
import { randomBytes } from 'node:crypto';
import { json, type Reply } from '../common/http.js';
import { oauthError, tokenError } from './replies.js';
import type { OAuthClient, Token, VkState, VkUser } from './state.js';

export const TOKEN_LIFETIME_S = 86_400;
export const TOKEN_CAP = 5;

const newValue = () => randomBytes(24).toString('base64url');

function tokenAnswer(t: Token, now: number, left: number): Reply {
  // The newer of the two documented forms: integer expires_in, list scope, tokens_left.
  return json(200, {
    access_token: t.access,
    token_type: 'Bearer',
    expires_in: Math.max(0, Math.round((t.expiresAt - now) / 1000)),
    scope: [],
    refresh_token: t.refresh,
    tokens_left: left,
  });
}

function checkClient(state: VkState, form: URLSearchParams): OAuthClient | Reply {
  const client = state.clients.get(form.get('client_id') ?? '');
  if (!client || client.clientSecret !== form.get('client_secret') || client.blocked)
    return oauthError(401, 'invalid_client', 'Invalid client id or secret provided');
  return client;
}

/** The user a new token is for: the client's own, or (agency grant) one of the agency's clients. */
function grantUser(state: VkState, client: OAuthClient, form: URLSearchParams): VkUser | Reply {
  const owner = state.users.get(client.userId);
  if (!owner) return oauthError(401, 'invalid_client', 'Invalid client id or secret provided');
  if (form.get('grant_type') === 'client_credentials') return owner;
  const byName = form.get('agency_client_name');
  const byId = form.get('agency_client_id');
  if (!byName && !byId)
    return oauthError(400, 'invalid_request', 'agency_client_name or agency_client_id is required');
  const target = byName ? state.userByName(byName) : state.users.get(Number(byId));
  if (owner.type !== 'agency' || !target || target.agencyId !== owner.id)
    return oauthError(400, 'invalid_grant', 'The user is not a client of this agency');
  return target;
}

export function tokenEndpoint(state: VkState, form: URLSearchParams, now: number): Reply {
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials' && grant !== 'agency_client_credentials' && grant !== 'refresh_token')
    return oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grant ?? '(none)'}`);
  const client = checkClient(state, form);
  if ('body' in client) return client;
  if (grant === 'refresh_token') {
    const refresh = form.get('refresh_token') ?? '';
    const t = [...state.tokens.values()].find((x) => x.refresh === refresh && x.clientId === client.clientId);
    if (!t || t.revoked) return oauthError(400, 'invalid_grant', 'Unknown refresh token');
    state.tokens.delete(t.access);
    t.access = newValue();
    t.expiresAt = now + TOKEN_LIFETIME_S * 1000;
    state.tokens.set(t.access, t);
    return tokenAnswer(t, now, TOKEN_CAP - state.tokensOf(client.clientId, t.userId).length);
  }
  const user = grantUser(state, client, form);
  if ('body' in user) return user;
  const existing = state.tokensOf(client.clientId, user.id).length;
  if (existing >= TOKEN_CAP)
    return oauthError(
      403,
      'token_limit_exceeded',
      `The limit of ${TOKEN_CAP} tokens for this user is reached`,
    );
  const t: Token = {
    access: newValue(),
    refresh: newValue(),
    clientId: client.clientId,
    userId: user.id,
    expiresAt: now + TOKEN_LIFETIME_S * 1000,
    revoked: false,
  };
  state.tokens.set(t.access, t);
  return tokenAnswer(t, now, TOKEN_CAP - existing - 1);
}

/** Deletes every token of a user for this client (the client's own user without username/user_id). */
export function deleteTokens(state: VkState, form: URLSearchParams): Reply {
  const client = checkClient(state, form);
  if ('body' in client) return client;
  const username = form.get('username');
  const userId = form.get('user_id');
  const user = username
    ? state.userByName(username)
    : userId
      ? state.users.get(Number(userId))
      : state.users.get(client.userId);
  if (!user) return oauthError(400, 'invalid_request', 'Unknown user');
  state.deleteTokens(client.clientId, user.id);
  return { status: 204, headers: {}, body: '' };
}

/** The token of an API call, or the 401 it gets. */
export function authenticate(state: VkState, header: string | undefined, now: number): Token | Reply {
  const value = /^Bearer\s+(\S+)$/i.exec(header?.trim() ?? '')?.[1];
  const t = value ? state.tokens.get(value) : undefined;
  if (!t) return tokenError('invalid_token');
  if (t.revoked) return tokenError('revoked_token');
  if (state.clients.get(t.clientId)?.blocked) return tokenError('invalid_client');
  if (state.users.get(t.userId)?.status === 'blocked') return tokenError('invalid_user');
  if (t.expiresAt <= now) return tokenError('expired_token');
  return t;
}
