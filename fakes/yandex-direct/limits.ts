/**
 * The Reports service's technical limits: offline reports per advertiser (at most 5 queued, built ones
 * kept 5 hours, a name bound to one set of parameters while it lives) and the request rate per user
 * (at most 20 requests in 10 seconds).
 */

export interface StoredReport {
  login: string;
  name: string;
  /** hash of the body and the report-shaping headers: a poll must repeat the request exactly */
  identity: string;
  createdAt: number;
  /** 202 answers still to give before the report is ready */
  pollsLeft: number;
  /** the TSV, once built */
  body: string | null;
}

export class ReportStore {
  private readonly reports = new Map<string, StoredReport>();

  constructor(
    private readonly now: () => number,
    readonly queueLimit = 5,
    readonly keepMs = 5 * 3_600_000,
  ) {}

  private static key(login: string, name: string): string {
    return `${login.toLowerCase()}\u0000${name}`;
  }

  private purge(): void {
    const cutoff = this.now() - this.keepMs;
    for (const [k, r] of this.reports) if (r.createdAt < cutoff) this.reports.delete(k);
  }

  find(login: string, name: string): StoredReport | undefined {
    this.purge();
    return this.reports.get(ReportStore.key(login, name));
  }

  /** Offline reports of this advertiser still being built. */
  queued(login: string): number {
    this.purge();
    let n = 0;
    for (const r of this.reports.values()) if (r.login.toLowerCase() === login.toLowerCase() && !r.body) n++;
    return n;
  }

  add(r: Omit<StoredReport, 'createdAt' | 'body'>): StoredReport {
    const stored: StoredReport = { ...r, createdAt: this.now(), body: null };
    this.reports.set(ReportStore.key(r.login, r.name), stored);
    return stored;
  }

  list(): StoredReport[] {
    this.purge();
    return [...this.reports.values()].map((r) => ({
      ...r,
      body: r.body === null ? null : `${r.body.length} chars`,
    }));
  }

  clear(): void {
    this.reports.clear();
  }
}

/** A sliding window per key: `limit` requests within `windowMs`. */
export class RateWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    public limit = 20,
    readonly windowMs = 10_000,
  ) {}

  /** Counts a request; false (and not counted) when the window is full. */
  take(key: string): boolean {
    const now = this.now();
    const list = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    this.hits.set(key, list);
    if (list.length >= this.limit) return false;
    list.push(now);
    return true;
  }

  reset(): void {
    this.hits.clear();
  }
}
