/**
 * The fake VK Ads world: users (advertisers, agencies and their clients), OAuth clients (API access of
 * a user), tokens, ad plans (campaigns) → ad groups, and daily statistics per ad group. Money is kept
 * in hundredths of the account currency; the API prints it as decimal strings.
 */

export type UserType = 'advertiser' | 'agency';

export interface VkUser {
  id: number;
  username: string;
  type: UserType;
  currency: string;
  status: 'active' | 'blocked';
  /** for an agency's client: the agency's user id */
  agencyId: number | null;
}

/** API access of a user: client_credentials tokens are that user's. */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  userId: number;
  blocked: boolean;
}

export interface Token {
  access: string;
  refresh: string;
  clientId: string;
  userId: number;
  /** ms since the epoch on the fake clock */
  expiresAt: number;
  revoked: boolean;
}

export type ObjectStatus = 'active' | 'blocked' | 'deleted';

export interface AdPlan {
  id: number;
  userId: number;
  name: string;
  status: ObjectStatus;
  created: string;
}

export interface AdGroup {
  id: number;
  adPlanId: number;
  name: string;
  status: ObjectStatus;
}

export interface DayStat {
  date: string;
  adGroupId: number;
  shows: number;
  clicks: number;
  /** hundredths of the account currency */
  spentCents: number;
}

export class VkState {
  readonly users = new Map<number, VkUser>();
  readonly clients = new Map<string, OAuthClient>();
  /** by access token value */
  readonly tokens = new Map<string, Token>();
  readonly adPlans = new Map<number, AdPlan>();
  readonly adGroups = new Map<number, AdGroup>();
  stats: DayStat[] = [];
  private nextUserId = 1_000_001;

  addUser(
    username: string,
    opts: {
      type?: UserType;
      currency?: string;
      agencyId?: number;
      client?: { id: string; secret: string };
    } = {},
  ): VkUser {
    const user: VkUser = {
      id: this.nextUserId++,
      username,
      type: opts.type ?? 'advertiser',
      currency: opts.currency ?? 'RUB',
      status: 'active',
      agencyId: opts.agencyId ?? null,
    };
    this.users.set(user.id, user);
    if (opts.client)
      this.clients.set(opts.client.id, {
        clientId: opts.client.id,
        clientSecret: opts.client.secret,
        userId: user.id,
        blocked: false,
      });
    return user;
  }

  userByName(username: string): VkUser | undefined {
    return [...this.users.values()].find((u) => u.username === username);
  }

  addAdPlan(userId: number, plan: Omit<AdPlan, 'userId' | 'created'> & { created?: string }): AdPlan {
    const p: AdPlan = { created: '2026-01-10 12:00:00', ...plan, userId };
    this.adPlans.set(p.id, p);
    return p;
  }

  addAdGroup(group: AdGroup): void {
    if (!this.adPlans.has(group.adPlanId)) throw new Error(`fake VK Ads: no ad plan ${group.adPlanId}`);
    this.adGroups.set(group.id, group);
  }

  /** Adds rows; a row for the same date and ad group replaces the earlier one. */
  addStats(rows: DayStat[]): void {
    const key = (s: DayStat) => `${s.date}|${s.adGroupId}`;
    const incoming = new Map(rows.map((r) => [key(r), r]));
    this.stats = this.stats.filter((s) => !incoming.has(key(s))).concat([...incoming.values()]);
  }

  /** Tokens that count against the 5-per-(client, user) cap: every one not deleted, whatever its state. */
  tokensOf(clientId: string, userId: number): Token[] {
    return [...this.tokens.values()].filter((t) => t.clientId === clientId && t.userId === userId);
  }

  deleteTokens(clientId: string, userId: number): number {
    const gone = this.tokensOf(clientId, userId);
    for (const t of gone) this.tokens.delete(t.access);
    return gone.length;
  }

  userOfPlan(planId: number): number | undefined {
    return this.adPlans.get(planId)?.userId;
  }

  dump(): unknown {
    return {
      users: [...this.users.values()],
      clients: [...this.clients.values()].map((c) => ({ ...c, clientSecret: '…' })),
      tokens: [...this.tokens.values()],
      adPlans: [...this.adPlans.values()],
      adGroups: [...this.adGroups.values()],
      statRows: this.stats.length,
      days: [...new Set(this.stats.map((s) => s.date))].sort(),
    };
  }
}
