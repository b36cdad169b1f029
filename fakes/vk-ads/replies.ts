/**
 * The error shapes of VK Ads: bad tokens (401 `{code, message}` plus `WWW-Authenticate`), the token
 * endpoint (OAuth `{error, error_description}`; UNVERIFIED, see README), statistics (`{"error":
 * {message, code}}`) and field validation (`{"error": {"fields": {…}}}`).
 */
import { json, type Reply } from '../common/http.js';

export const TOKEN_ERRORS = {
  invalid_token: 'Unknown access token',
  expired_token: 'Access token is expired',
  invalid_client: 'Invalid client id or secret provided',
  invalid_user: 'User is blocked',
  revoked_token: 'Access token has been revoked',
} as const;

export type TokenErrorCode = keyof typeof TOKEN_ERRORS;

export function tokenError(code: TokenErrorCode): Reply {
  const message = TOKEN_ERRORS[code];
  return json(
    401,
    { code, message },
    { 'WWW-Authenticate': `Bearer realm="api", error="${code}", error_description="${message}"` },
  );
}

export function oauthError(status: 400 | 401 | 403, error: string, description: string): Reply {
  return json(status, { error, error_description: description });
}

export type StatCode =
  | 'ERR_WRONG_PARAMETER'
  | 'ERR_LIMIT_EXCEEDED'
  | 'ERR_WRONG_DATE'
  | 'ERR_WRONG_BANNERS'
  | 'ERR_WRONG_ADGROUPS'
  | 'ERR_WRONG_ADPLANS'
  | 'ERR_WRONG_USERS'
  | 'ERR_ACCESS_DENIED'
  | 'ERR_WRONG_RESOURCE'
  | 'ERR_WRONG_IDS'
  | 'ERR_INTERNAL';

const STAT_STATUS: Record<StatCode, number> = {
  ERR_WRONG_PARAMETER: 400,
  ERR_LIMIT_EXCEEDED: 400,
  ERR_WRONG_DATE: 400,
  ERR_WRONG_BANNERS: 400,
  ERR_WRONG_ADGROUPS: 400,
  ERR_WRONG_ADPLANS: 400,
  ERR_WRONG_USERS: 400,
  ERR_ACCESS_DENIED: 403,
  ERR_WRONG_RESOURCE: 404,
  ERR_WRONG_IDS: 404,
  ERR_INTERNAL: 500,
};

export function statError(code: StatCode, message: string, status = STAT_STATUS[code]): Reply {
  return json(status, { error: { message, code } });
}

export function fieldError(field: string, code: string, message: string): Reply {
  return json(400, { error: { fields: { [field]: { code, message } } } });
}
