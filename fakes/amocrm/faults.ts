/** Fault injection: forced errors, random errors, writes that time out after being applied, delays, 402 mode. */
import { nginxPage, problem, type Reply } from './hal.js';

export type FaultStatus = 400 | 401 | 402 | 403 | 404 | 429 | 500 | 502 | 503 | 504;

export interface FailSpec {
  status: FaultStatus;
  /** raw body; default: the body amoCRM would send for that status (HTML for 429/403/502–504) */
  body?: string;
  contentType?: string;
  /** only requests whose path starts with this (default: every /api/v4 and /oauth2 request) */
  pathPrefix?: string;
}

export type TimeoutMode = 'destroy' | 'hang';

export type TimeoutSpec = number | { count: number } | { ratio: number };

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function defaultFaultReply(status: number): Reply {
  if (status === 429 || status === 403 || status === 502 || status === 503 || status === 504)
    return nginxPage(status);
  if (status === 401) return problem(401, 'Неверный логин или пароль');
  if (status === 402) return problem(402, 'Payment Required: the account subscription has expired');
  return problem(status, 'Injected fault');
}

export interface FaultHooks {
  expireAccessTokens(includeLongLived: boolean): void;
  block(): void;
  unblock(): void;
}

export class FaultInjector {
  private queue: { remaining: number; spec: FailSpec }[] = [];
  private random: { ratio: number; statuses: FaultStatus[]; rnd: () => number } | null = null;
  private timeouts: { count: number | null; ratio: number; rnd: () => number; mode: TimeoutMode } | null =
    null;
  private delayMs = 0;
  private payment = false;
  /** how many faults were injected so far, by kind */
  readonly injected = { fail: 0, random: 0, timeout: 0 };

  constructor(
    private readonly hooks: FaultHooks,
    private readonly seed = 42,
  ) {}

  /** The next `n` matching requests answer `spec.status` without touching state. */
  failNext(n: number, spec: FailSpec): void {
    this.queue.push({ remaining: n, spec });
  }

  /** Each request fails with probability `ratio`, status picked from `statuses` (seeded, deterministic). */
  failRandom(ratio: number, statuses: FaultStatus[], seed = this.seed): void {
    this.random = ratio > 0 && statuses.length > 0 ? { ratio, statuses, rnd: prng(seed) } : null;
  }

  /**
   * Writes (POST/PATCH/DELETE under /api/v4) are applied, then the connection is destroyed ('destroy') or
   * left without an answer ('hang'). `n` ≥ 1 (integer) = the next n writes; 0 < n < 1 = that share of writes.
   */
  timeoutAfterWrite(spec: TimeoutSpec, mode: TimeoutMode = 'destroy', seed = this.seed): void {
    let count: number | null = null;
    let ratio = 0;
    if (typeof spec === 'number') {
      if (Number.isInteger(spec) && spec >= 1) count = spec;
      else ratio = spec;
    } else if ('count' in spec) count = spec.count;
    else ratio = spec.ratio;
    this.timeouts =
      count === 0 || (count === null && ratio <= 0) ? null : { count, ratio, rnd: prng(seed), mode };
  }

  /** Every faultable request waits `ms` before being handled. */
  delay(ms: number): void {
    this.delayMs = Math.max(0, ms);
  }

  /** Unpaid account: reads work, writes answer 402. */
  paymentRequired(on = true): void {
    this.payment = on;
  }

  expireAccessTokens(includeLongLived = false): void {
    this.hooks.expireAccessTokens(includeLongLived);
  }

  /** Block the account now (every request 403 HTML) as if it abused the rate limit. */
  block(): void {
    this.hooks.block();
  }

  unblock(): void {
    this.hooks.unblock();
  }

  /** Clears every fault and lifts a block. */
  reset(): void {
    this.queue = [];
    this.random = null;
    this.timeouts = null;
    this.delayMs = 0;
    this.payment = false;
    this.hooks.unblock();
  }

  // --- used by the server ---------------------------------------------------------------

  get currentDelay(): number {
    return this.delayMs;
  }

  get isPaymentRequired(): boolean {
    return this.payment;
  }

  /** A forced or random failure for this request, if one is due. */
  takeFailure(path: string): Reply | null {
    const at = this.queue.findIndex(
      (q) => q.spec.pathPrefix === undefined || path.startsWith(q.spec.pathPrefix),
    );
    if (at >= 0) {
      const q = this.queue[at]!;
      q.remaining -= 1;
      if (q.remaining <= 0) this.queue.splice(at, 1);
      this.injected.fail += 1;
      return this.replyFor(q.spec);
    }
    if (this.random && this.random.rnd() < this.random.ratio) {
      const r = this.random;
      const status = r.statuses[Math.floor(r.rnd() * r.statuses.length)] ?? r.statuses[0]!;
      this.injected.random += 1;
      return defaultFaultReply(status);
    }
    return null;
  }

  /** Whether this (already applied) write should lose its response. */
  takeWriteTimeout(): TimeoutMode | null {
    const t = this.timeouts;
    if (!t) return null;
    if (t.count !== null) {
      t.count -= 1;
      if (t.count <= 0) this.timeouts = null;
      this.injected.timeout += 1;
      return t.mode;
    }
    if (t.rnd() < t.ratio) {
      this.injected.timeout += 1;
      return t.mode;
    }
    return null;
  }

  private replyFor(spec: FailSpec): Reply {
    if (spec.body === undefined) return defaultFaultReply(spec.status);
    return {
      status: spec.status,
      headers: { 'content-type': spec.contentType ?? 'text/html' },
      body: spec.body,
    };
  }

  describe(): unknown {
    return {
      queue: this.queue,
      random: this.random && { ratio: this.random.ratio, statuses: this.random.statuses },
      timeouts: this.timeouts && {
        count: this.timeouts.count,
        ratio: this.timeouts.ratio,
        mode: this.timeouts.mode,
      },
      delayMs: this.delayMs,
      paymentRequired: this.payment,
      injected: this.injected,
    };
  }
}
