/**
 * VK Ads error answers → CostConnectorError. The platform uses several shapes: bad tokens
 * `{code, message}` (401), statistics `{"error": {message, code}}`, OAuth-style `{error,
 * error_description}` on the token endpoint, and field validation `{"error": {"fields": {…}}}`.
 * Whatever the shape, the platform's own words are kept.
 */
import { CostConnectorError, type CostErrorKind, summarizeBody } from '../connector-error.js';
import type { HttpAnswer } from '../connector-http.js';

export interface VkWords {
  code: string | null;
  message: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** The code and message of an error body, in any of VK's shapes. */
export function vkWords(text: string): VkWords {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { code: null, message: null };
  }
  if (typeof body !== 'object' || body === null) return { code: null, message: null };
  const b = body as Record<string, unknown>;
  if (str(b.code) || str(b.message)) return { code: str(b.code), message: str(b.message) };
  if (typeof b.error === 'string') return { code: b.error, message: str(b.error_description) };
  if (typeof b.error === 'object' && b.error !== null) {
    const e = b.error as Record<string, unknown>;
    if (str(e.code) || str(e.message)) return { code: str(e.code), message: str(e.message) };
    if (typeof e.fields === 'object' && e.fields !== null) {
      const [field, detail] = Object.entries(e.fields as Record<string, unknown>)[0] ?? [];
      const d = (typeof detail === 'object' && detail !== null ? detail : {}) as Record<string, unknown>;
      const message = str(d.message) ?? (Array.isArray(detail) ? detail.map(String).join('; ') : null);
      return { code: str(d.code), message: field ? `${field}: ${message ?? 'invalid'}` : message };
    }
  }
  return { code: null, message: null };
}

/** How long to wait after a 429: `Retry-After` if sent, else until the exhausted window turns over. */
function rateWait(res: HttpAnswer, now: number): { kind: CostErrorKind; ms: number } {
  const after = Number(res.headers.get('retry-after'));
  if (Number.isFinite(after) && after > 0) return { kind: 'rate_limited', ms: after * 1000 };
  const left = (w: string) => res.headers.get(`x-ratelimit-${w}-remaining`);
  // The windows are calendar-aligned: an exhausted day or hour will not pass within one run.
  if (left('daily') === '0') return { kind: 'quota', ms: 86_400_000 - (now % 86_400_000) };
  if (left('hourly') === '0') return { kind: 'quota', ms: 3_600_000 - (now % 3_600_000) };
  return { kind: 'rate_limited', ms: 1_000 };
}

function kindOf(res: HttpAnswer, endpoint: 'api' | 'token'): CostErrorKind {
  if (res.status === 401) return 'auth';
  if (res.status === 403) return endpoint === 'token' ? 'quota' : 'forbidden';
  if (res.status === 400) return endpoint === 'token' ? 'auth' : 'validation';
  if (res.status === 404 || res.status === 405 || res.status === 413) return 'validation';
  if (res.status >= 500) return 'server';
  return 'bad_response';
}

/**
 * `endpoint` tells the token endpoint apart: there a 400 is a refused grant (reconnect) and a 403
 * the 5-tokens-per-user cap (tokens have to be deleted or expire).
 */
export function errorFromAnswer(
  res: HttpAnswer,
  endpoint: 'api' | 'token',
  now = Date.now(),
): CostConnectorError {
  const words = vkWords(res.text);
  const said =
    words.message ?? words.code ?? `HTTP ${res.status} with ${summarizeBody(res.contentType, res.text)}`;
  const base = {
    platform: 'vk-ads' as const,
    status: res.status,
    ...(words.code ? { code: words.code } : {}),
  };
  if (res.status === 429) {
    const wait = rateWait(res, now);
    return new CostConnectorError({ ...base, kind: wait.kind, platformMessage: said, retryAfterMs: wait.ms });
  }
  return new CostConnectorError({ ...base, kind: kindOf(res, endpoint), platformMessage: said });
}
