/**
 * Faults a test or a by-hand user injects: the next N requests fail (a Direct error code, a 500 HTML
 * page, a 502), the next N new reports go to the offline queue and take K polls, the points run out,
 * every answer is delayed.
 */
import type { Reply } from '../common/http.js';
import { type DirectFailure, errorReply, fail, htmlServerError, type Lang } from './errors.js';

export interface FailSpec {
  /** HTTP status (default 500 for server errors — 52, 1000–1002, 1020 — else 400) */
  status?: 400 | 500 | 502;
  /** Direct error code (default 1000 "Server temporarily unavailable") */
  code?: number;
  /** a 500 as the HTML page public clients have met instead of JSON */
  html?: boolean;
  detail?: string;
}

const SERVER_CODES = new Set([52, 1000, 1001, 1002, 1020]);

export class DirectFaults {
  private failures: FailSpec[] = [];
  private offlineReports: number[] = [];
  unitsExhausted = false;
  delayMs = 0;

  failNext(count: number, spec: FailSpec): void {
    for (let i = 0; i < count; i++) this.failures.push(spec);
  }

  /** The next `count` new reports are queued (whatever the mode) and answer 202 `polls` times. */
  offline(count: number, polls: number): void {
    for (let i = 0; i < count; i++) this.offlineReports.push(polls);
  }

  /** The reply of the next injected failure, if any. */
  takeFailure(lang: Lang, requestId: string): Reply | null {
    const spec = this.failures.shift();
    if (!spec) return null;
    if (spec.html) return htmlServerError(requestId);
    const code = spec.code ?? 1000;
    const status = spec.status ?? (SERVER_CODES.has(code) ? 500 : 400);
    const detail = spec.detail ?? 'Injected fault';
    return errorReply(fail(code, detail, detail, status) satisfies DirectFailure, lang, requestId);
  }

  /** Polls for a report that must go offline, or null when the fake may decide by itself. */
  takeOffline(): number | null {
    return this.offlineReports.shift() ?? null;
  }

  reset(): void {
    this.failures = [];
    this.offlineReports = [];
    this.unitsExhausted = false;
    this.delayMs = 0;
  }

  describe(): unknown {
    return {
      pendingFailures: this.failures,
      pendingOfflineReports: this.offlineReports,
      unitsExhausted: this.unitsExhausted,
      delayMs: this.delayMs,
    };
  }
}
