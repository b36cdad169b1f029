/** Token buckets per access token and per account; repeated 429s get the whole account blocked (403). */

export interface RateLimitOptions {
  /** per access token, requests per second (amoCRM: 7) */
  perToken: number;
  /** whole account, requests per second (a 50 rps account limit was announced in 2021; unverified) */
  perAccount: number;
  /** 429s within `windowMs` after which every request gets 403 until unblocked */
  blockAfterViolations: number;
  windowMs: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

export type RateVerdict = 'ok' | 'limited' | 'blocked';

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private violations: number[] = [];
  blocked = false;
  /** total 429s answered */
  limitedCount = 0;

  constructor(readonly opts: RateLimitOptions) {}

  private take(key: string, rate: number, now: number): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: rate, last: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(rate, b.tokens + ((now - b.last) / 1000) * rate);
    b.last = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Counts one request made with `tokenKey` (the bearer token, or the client address without one). */
  check(tokenKey: string, now = Date.now()): RateVerdict {
    if (this.blocked) return 'blocked';
    const okToken = this.take(`t:${tokenKey}`, this.opts.perToken, now);
    const okAccount = okToken && this.take('account', this.opts.perAccount, now);
    if (okToken && okAccount) return 'ok';
    this.limitedCount += 1;
    this.violations = this.violations.filter((t) => now - t < this.opts.windowMs);
    this.violations.push(now);
    if (this.violations.length >= this.opts.blockAfterViolations) {
      this.blocked = true;
      return 'blocked';
    }
    return 'limited';
  }

  block(): void {
    this.blocked = true;
  }

  unblock(): void {
    this.blocked = false;
    this.violations = [];
    this.buckets.clear();
  }
}
