/**
 * Faults a test or a by-hand user injects: the next N API requests fail (500/503 `ERR_INTERNAL`, a 429
 * burst), every answer is delayed; token revocation, expiry and blocking act on the state directly.
 */
import { json, type Reply } from '../common/http.js';
import { statError } from './replies.js';
import type { VkState } from './state.js';

export interface FailSpec {
  status: 429 | 500 | 503;
  /** only requests whose path starts with this (default: every /api request but the token endpoint) */
  pathPrefix?: string;
  /** a `Retry-After` header on the 429, in seconds (whether VK sends one is UNVERIFIED) */
  retryAfter?: number;
}

/** The 429 body (UNVERIFIED: the docs give only the status; the shape follows the statistics errors). */
export function tooManyRequests(headers: Record<string, string> = {}): Reply {
  return json(429, { error: { message: 'Too many requests', code: 'ERR_RATE_LIMIT' } }, headers);
}

export class VkFaults {
  private failures: FailSpec[] = [];
  delayMs = 0;

  failNext(count: number, spec: FailSpec): void {
    for (let i = 0; i < count; i++) this.failures.push(spec);
  }

  takeFailure(path: string): Reply | null {
    const i = this.failures.findIndex((f) => path.startsWith(f.pathPrefix ?? '/api/'));
    if (i < 0) return null;
    const [spec] = this.failures.splice(i, 1);
    if (!spec) return null;
    if (spec.status === 429)
      return tooManyRequests(spec.retryAfter === undefined ? {} : { 'Retry-After': String(spec.retryAfter) });
    return statError('ERR_INTERNAL', 'Internal server error', spec.status);
  }

  revokeAll(state: VkState, userId?: number): number {
    let n = 0;
    for (const t of state.tokens.values())
      if (userId === undefined || t.userId === userId) {
        t.revoked = true;
        n++;
      }
    return n;
  }

  expireAll(state: VkState, now: number): void {
    for (const t of state.tokens.values()) t.expiresAt = Math.min(t.expiresAt, now);
  }

  reset(): void {
    this.failures = [];
    this.delayMs = 0;
  }

  describe(): unknown {
    return { pendingFailures: this.failures, delayMs: this.delayMs };
  }
}
