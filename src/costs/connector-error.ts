/**
 * The one error type of the ad-cost connectors. It carries the platform's own words (`platformMessage`,
 * what the cabinet shows as the connector's last error), the platform's code, and whether trying again
 * later can help.
 */

export type CostPlatform = 'yandex-direct' | 'vk-ads';

export type CostErrorKind =
  /** the token or the client credentials were refused: the user has to reconnect */
  | 'auth'
  /** no rights to this account / method, or the address guard refused the host */
  | 'forbidden'
  /** the request was refused as invalid: a bug or a setting to fix, not to retry */
  | 'validation'
  /** too many requests or queued reports: retry after a pause */
  | 'rate_limited'
  /** the account's quota (Direct's points, VK's token cap) is used up: retry in hours, not seconds */
  | 'quota'
  | 'server'
  | 'timeout'
  | 'network'
  /** an answer that is not what the documented contract says */
  | 'bad_response';

const RETRYABLE: Record<CostErrorKind, boolean> = {
  auth: false,
  forbidden: false,
  validation: false,
  rate_limited: true,
  quota: true,
  server: true,
  timeout: true,
  network: true,
  bad_response: false,
};

const PLATFORM_NAMES: Record<CostPlatform, string> = { 'yandex-direct': 'Yandex Direct', 'vk-ads': 'VK Ads' };

export interface CostErrorInit {
  platform: CostPlatform;
  kind: CostErrorKind;
  /** the platform's own words when it gave any, else ours */
  platformMessage: string;
  status?: number;
  /** the platform's error code (Direct: `error_code`; VK: `code` / `error`) */
  code?: string;
  requestId?: string;
  /** how long the platform asked to wait (Direct `retryIn`, VK `Retry-After` or the next rate window) */
  retryAfterMs?: number;
  /** overrides the kind's default (a refused address is a network failure that will not pass later) */
  retryable?: boolean;
  cause?: unknown;
}

export class CostConnectorError extends Error {
  override readonly name = 'CostConnectorError';
  readonly platform: CostPlatform;
  readonly kind: CostErrorKind;
  readonly platformMessage: string;
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  readonly retryable: boolean;

  constructor(init: CostErrorInit) {
    const code = init.code === undefined ? '' : ` ${init.code}`;
    const status = init.status === undefined ? '' : ` (HTTP ${init.status})`;
    super(`${PLATFORM_NAMES[init.platform]} ${init.kind}${code}${status}: ${init.platformMessage}`, {
      cause: init.cause,
    });
    this.platform = init.platform;
    this.kind = init.kind;
    this.platformMessage = init.platformMessage;
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.retryable = init.retryable ?? RETRYABLE[init.kind];
  }
}

export function isCostConnectorError(e: unknown): e is CostConnectorError {
  return e instanceof CostConnectorError;
}

/** The first 200 characters of a body that is not the documented JSON (an HTML error page, say). */
export function summarizeBody(contentType: string, text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return 'an empty body';
  if (contentType.includes('html') || trimmed.startsWith('<')) {
    const title = /<title>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim();
    return title ? `an HTML page "${title}"` : 'an HTML page';
  }
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed;
}
