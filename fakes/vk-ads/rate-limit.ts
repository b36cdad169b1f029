/**
 * Request limits per user over calendar-aligned second, hour and day windows, reported on every
 * answer in the six `X-RateLimit-*` headers; going over gets 429. The real values differ per method
 * and user; these are settable (defaults are the fake's own).
 */

export interface Limits {
  rps: number;
  hourly: number;
  daily: number;
}

interface Counter {
  window: number;
  used: number;
}

const WINDOWS = { rps: 1_000, hourly: 3_600_000, daily: 86_400_000 } as const;
type WindowName = keyof typeof WINDOWS;

export interface RateVerdict {
  ok: boolean;
  headers: Record<string, string>;
  /** the window that refused, when one did */
  exceeded: WindowName | null;
  /** ms until that window starts again */
  resetMs: number;
}

export class RateLimiter {
  private readonly counters = new Map<string, Counter>();

  constructor(
    public limits: Limits,
    private readonly now: () => number,
  ) {}

  /** Counts one request of `userId` unless a window is full. */
  take(userId: number): RateVerdict {
    const now = this.now();
    const state = (Object.keys(WINDOWS) as WindowName[]).map((name) => {
      const window = Math.floor(now / WINDOWS[name]);
      const key = `${userId}:${name}`;
      let c = this.counters.get(key);
      if (!c || c.window !== window) {
        c = { window, used: 0 };
        this.counters.set(key, c);
      }
      return { name, c, limit: this.limits[name], resetMs: (window + 1) * WINDOWS[name] - now };
    });
    const full = state.find((s) => s.c.used >= s.limit);
    if (!full) for (const s of state) s.c.used += 1;
    const headers: Record<string, string> = {};
    const label = { rps: 'RPS', hourly: 'Hourly', daily: 'Daily' } as const;
    for (const s of state) {
      headers[`X-RateLimit-${label[s.name]}-Limit`] = String(s.limit);
      headers[`X-RateLimit-${label[s.name]}-Remaining`] = String(Math.max(0, s.limit - s.c.used));
    }
    return { ok: !full, headers, exceeded: full?.name ?? null, resetMs: full?.resetMs ?? 0 };
  }

  /** `GET /api/v2/throttling.json`: limits and what is left, by window length in seconds. */
  throttling(userId: number): unknown {
    const now = this.now();
    const limits: Record<string, number> = {};
    const remaining: Record<string, number> = {};
    for (const name of Object.keys(WINDOWS) as WindowName[]) {
      const seconds = String(WINDOWS[name] / 1000);
      const c = this.counters.get(`${userId}:${name}`);
      const used = c && c.window === Math.floor(now / WINDOWS[name]) ? c.used : 0;
      limits[seconds] = this.limits[name];
      remaining[seconds] = Math.max(0, this.limits[name] - used);
    }
    return { ALL: { all: { READ: { limits, remaining } } } };
  }

  reset(): void {
    this.counters.clear();
  }
}
