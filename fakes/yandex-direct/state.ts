/**
 * The fake Direct's world: users with OAuth tokens (advertisers and agencies), advertisers with
 * campaigns → ad groups → criteria (keywords, autotargeting) and daily statistics per criterion.
 * Money is kept net of VAT in hundredths of the account currency; reports add VAT when asked.
 */

export type CriterionType = 'KEYWORD' | 'AUTOTARGETING';

export interface Criterion {
  id: number;
  /** the keyword text as Direct prints it in `Criterion` (Cyrillic is the usual case) */
  text: string;
  type: CriterionType;
}

export interface AdGroup {
  id: number;
  name: string;
  criteria: Criterion[];
}

export interface Campaign {
  id: number;
  name: string;
  type: string;
  adGroups: AdGroup[];
}

/** One criterion's activity on one day. */
export interface DayStat {
  date: string;
  criterionId: number;
  impressions: number;
  clicks: number;
  /** spend without VAT, hundredths of the account currency (Direct rounds money to 2 decimals) */
  costCents: number;
}

export interface Advertiser {
  login: string;
  clientId: number;
  /** Direct's currency code: RUB, KZT, USD… (YND_FIXED for accounts in conventional units) */
  currency: string;
  /** VAT rate added to money columns when a report asks `IncludeVAT: YES` */
  vatRate: number;
  campaigns: Campaign[];
  stats: DayStat[];
  /** points: daily limit and what is left today */
  unitsDaily: number;
  unitsLeft: number;
}

export interface Agency {
  login: string;
  clientId: number;
  currency: string;
  clients: Set<string>;
  unitsDaily: number;
  unitsLeft: number;
}

export type Operator = { kind: 'advertiser'; login: string } | { kind: 'agency'; login: string };

/** A criterion with its parents, as a report row needs them. */
export interface CriterionPath {
  campaign: Campaign;
  adGroup: AdGroup;
  criterion: Criterion;
}

export class DirectState {
  readonly advertisers = new Map<string, Advertiser>();
  readonly agencies = new Map<string, Agency>();
  /** OAuth token → its user */
  readonly tokens = new Map<string, Operator>();
  private nextClientId = 20_000_001;

  /** Logins are case-insensitive in Direct. */
  static key(login: string): string {
    return login.trim().toLowerCase();
  }

  addAdvertiser(
    login: string,
    opts: { currency?: string; vatRate?: number; unitsDaily?: number; token?: string } = {},
  ): Advertiser {
    const a: Advertiser = {
      login,
      clientId: this.nextClientId++,
      currency: opts.currency ?? 'RUB',
      // Russia's VAT rate from 2026; any rate can be set per advertiser.
      vatRate: opts.vatRate ?? 0.22,
      campaigns: [],
      stats: [],
      unitsDaily: opts.unitsDaily ?? 64_000,
      unitsLeft: opts.unitsDaily ?? 64_000,
    };
    this.advertisers.set(DirectState.key(login), a);
    if (opts.token) this.tokens.set(opts.token, { kind: 'advertiser', login });
    return a;
  }

  addAgency(login: string, opts: { clients?: string[]; token?: string; currency?: string } = {}): Agency {
    const a: Agency = {
      login,
      clientId: this.nextClientId++,
      currency: opts.currency ?? 'RUB',
      clients: new Set((opts.clients ?? []).map(DirectState.key)),
      unitsDaily: 64_000,
      unitsLeft: 64_000,
    };
    this.agencies.set(DirectState.key(login), a);
    if (opts.token) this.tokens.set(opts.token, { kind: 'agency', login });
    return a;
  }

  advertiser(login: string): Advertiser | undefined {
    return this.advertisers.get(DirectState.key(login));
  }

  /** Adds (or replaces, by id) a campaign of `login`. */
  addCampaign(login: string, campaign: Campaign): void {
    const a = this.mustAdvertiser(login);
    a.campaigns = a.campaigns.filter((c) => c.id !== campaign.id).concat(campaign);
  }

  /** Adds statistics rows; a row for the same date and criterion replaces the earlier one. */
  addStats(login: string, rows: DayStat[]): void {
    const a = this.mustAdvertiser(login);
    const key = (s: DayStat) => `${s.date}|${s.criterionId}`;
    const incoming = new Map(rows.map((r) => [key(r), r]));
    a.stats = a.stats.filter((s) => !incoming.has(key(s))).concat([...incoming.values()]);
  }

  clearStats(login: string): void {
    this.mustAdvertiser(login).stats = [];
  }

  criteria(a: Advertiser): Map<number, CriterionPath> {
    const out = new Map<number, CriterionPath>();
    for (const campaign of a.campaigns)
      for (const adGroup of campaign.adGroups)
        for (const criterion of adGroup.criteria) out.set(criterion.id, { campaign, adGroup, criterion });
    return out;
  }

  /** Seeding an unknown login is a mistake in the test, not an API answer. */
  private mustAdvertiser(login: string): Advertiser {
    const a = this.advertiser(login);
    if (!a) throw new Error(`fake Direct: no advertiser ${login}`);
    return a;
  }

  dump(): unknown {
    return {
      advertisers: [...this.advertisers.values()].map((a) => ({
        login: a.login,
        clientId: a.clientId,
        currency: a.currency,
        vatRate: a.vatRate,
        units: `${a.unitsLeft}/${a.unitsDaily}`,
        campaigns: a.campaigns.map((c) => ({
          id: c.id,
          name: c.name,
          adGroups: c.adGroups.map((g) => ({ id: g.id, name: g.name, criteria: g.criteria })),
        })),
        statRows: a.stats.length,
        days: [...new Set(a.stats.map((s) => s.date))].sort(),
      })),
      agencies: [...this.agencies.values()].map((a) => ({ login: a.login, clients: [...a.clients] })),
      tokens: [...this.tokens.entries()].map(([token, op]) => ({ token, ...op })),
    };
  }
}
