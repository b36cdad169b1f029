/**
 * HTTP under the ad-cost connectors: one exchange with a deadline that also covers reading the body,
 * failures mapped to CostConnectorError, and a bounded retry loop with exponential backoff for the
 * errors that may pass (5xx, timeouts, rate limits), honouring the wait the platform asked for.
 */

import { backoffDelay } from '../backoff.js';
import { ADDRESS_REFUSED_TEXT, isAddressRefused } from '../delivery/address-guard.js';
import { CostConnectorError, type CostPlatform } from './connector-error.js';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  contentType: string;
  text: string;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
const USER_AGENT = 'Leadtrail-cost-import/1';

/**
 * One request. `label` ("POST /json/v5/reports") names it in errors; the URL's query is left out
 * because it may carry ids a log does not need.
 */
export async function exchange(
  fetchFn: typeof fetch,
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  opts: { platform: CostPlatform; label: string; timeoutMs?: number },
): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const request: RequestInit = {
    method: init.method,
    headers: { 'user-agent': USER_AGENT, ...init.headers },
    signal,
    // Redirects are not followed: a token must not travel to another host.
    redirect: 'manual',
  };
  if (init.body !== undefined) request.body = init.body;
  try {
    const res = await fetchFn(url, request);
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      contentType: res.headers.get('content-type') ?? '',
      text,
    };
  } catch (e) {
    throw failure(e, opts.platform, opts.label, signal.aborted);
  }
}

function failure(e: unknown, platform: CostPlatform, label: string, timedOut: boolean): CostConnectorError {
  if (timedOut)
    return new CostConnectorError({
      platform,
      kind: 'timeout',
      platformMessage: `${label}: no answer in time`,
      cause: e,
    });
  if (isAddressRefused(e))
    return new CostConnectorError({
      platform,
      kind: 'network',
      platformMessage: ADDRESS_REFUSED_TEXT,
      retryable: false,
      cause: e,
    });
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  const why =
    cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : 'unknown failure';
  return new CostConnectorError({
    platform,
    kind: 'network',
    platformMessage: `${label}: connection failed (${why})`,
    cause: e,
  });
}

export interface RetryPolicy {
  /** tries in all, the first included (default 4) */
  attempts?: number;
  /** first pause; doubled each time (default 1 s) */
  baseDelayMs?: number;
  /** no pause longer than this, whatever the platform asks (default 60 s) */
  maxDelayMs?: number;
  /** injectable for tests */
  sleep?: (ms: number) => Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Kinds worth another try within the same run; `quota` waits for the next run instead. */
const RETRY_NOW = new Set(['server', 'timeout', 'network', 'rate_limited']);

/** Runs `fn` until it succeeds, throws something not worth retrying now, or the attempts run out. */
export async function withRetries<T>(policy: RetryPolicy, fn: (attempt: number) => Promise<T>): Promise<T> {
  const attempts = policy.attempts ?? 4;
  const base = policy.baseDelayMs ?? 1_000;
  const max = policy.maxDelayMs ?? 60_000;
  const wait = policy.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      const retry = e instanceof CostConnectorError && e.retryable && RETRY_NOW.has(e.kind);
      if (!retry || attempt >= attempts) throw e;
      // No jitter: one connector run per project, nothing to spread; the platform's own wait wins.
      const doubled = backoffDelay(attempt, { minMs: base, maxMs: max, jitter: false });
      await wait(Math.min(max, Math.max(e.retryAfterMs ?? 0, doubled)));
    }
  }
}
