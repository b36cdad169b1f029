/**
 * VK Ads OAuth2 tokens for a cost connector: client credentials (or agency client credentials for an
 * agency's client), kept in the caller's store and refreshed rather than minted again — VK allows at
 * most 5 tokens per (client_id, user) and answers 403 beyond that. A refresh changes the access value
 * in place and kills the old one, so refreshes are serialised here and a token another worker already
 * renewed is taken from the store instead of being refreshed twice.
 */
import { z } from 'zod';
import { CostConnectorError } from '../connector-error.js';
import { exchange } from '../connector-http.js';
import { errorFromAnswer } from './errors.js';

export interface VkCredentials {
  clientId: string;
  clientSecret: string;
  /** an agency's client, by username (`agency_client_name`) … */
  agencyClientName?: string | null;
  /** … or by user id (`agency_client_id`) */
  agencyClientId?: number | null;
}

export interface VkToken {
  accessToken: string;
  refreshToken: string;
  /** ms since the epoch */
  expiresAt: number;
}

/** Where tokens live between runs (the integration's sealed settings); one per connector. */
export interface VkTokenStore {
  load(): Promise<VkToken | null>;
  save(token: VkToken | null): Promise<void>;
}

export function memoryTokenStore(initial: VkToken | null = null): VkTokenStore {
  let token = initial;
  return {
    load: async () => token,
    save: async (t) => {
      token = t;
    },
  };
}

/** Both documented answers: `expires_in` a string or a number, `scope` a string or a list. */
const tokenAnswer = z
  .object({
    access_token: z.string().min(1),
    refresh_token: z.string().min(1),
    expires_in: z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number),
  })
  .loose();

/** Renew this long before the expiry, so a report run does not meet a token dying mid-way. */
const EARLY_MS = 5 * 60_000;

export interface VkTokenSourceOptions {
  credentials: VkCredentials;
  store: VkTokenStore;
  fetch: typeof fetch;
  baseUrl: string;
  timeoutMs?: number;
  now?: () => number;
}

export class VkTokenSource {
  private inflight: Promise<VkToken> | null = null;
  private readonly now: () => number;

  constructor(private readonly o: VkTokenSourceOptions) {
    this.now = o.now ?? Date.now;
  }

  /** A live access token: the stored one, refreshed when about to expire, or a new one. */
  async get(): Promise<string> {
    const t = await this.o.store.load();
    if (t && t.expiresAt - EARLY_MS > this.now()) return t.accessToken;
    return (await this.single(() => (t ? this.refreshOrMint(t) : this.mint()))).accessToken;
  }

  /**
   * After a 401 with `failed`: `expired_token` refreshes, `invalid_token` (deleted, or refreshed by
   * someone else) takes the store's newer token or mints one. Other codes are not renewable.
   */
  async renew(failed: string, code: string | null): Promise<string> {
    return (
      await this.single(async () => {
        const t = await this.o.store.load();
        if (t && t.accessToken !== failed && t.expiresAt > this.now()) return t;
        if (code === 'expired_token' && t) return this.refreshOrMint(t);
        return this.mint();
      })
    ).accessToken;
  }

  private single(fn: () => Promise<VkToken>): Promise<VkToken> {
    this.inflight ??= fn().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async refreshOrMint(t: VkToken): Promise<VkToken> {
    try {
      return await this.grant({ grant_type: 'refresh_token', refresh_token: t.refreshToken });
    } catch (e) {
      // A refresh token VK no longer knows: start over with the credentials.
      if (e instanceof CostConnectorError && e.status === 400) return this.mint();
      throw e;
    }
  }

  private mint(): Promise<VkToken> {
    const { agencyClientName, agencyClientId } = this.o.credentials;
    if (agencyClientName)
      return this.grant({ grant_type: 'agency_client_credentials', agency_client_name: agencyClientName });
    if (agencyClientId)
      return this.grant({
        grant_type: 'agency_client_credentials',
        agency_client_id: String(agencyClientId),
      });
    return this.grant({ grant_type: 'client_credentials' });
  }

  private async grant(fields: Record<string, string>): Promise<VkToken> {
    const form = new URLSearchParams({
      ...fields,
      client_id: this.o.credentials.clientId,
      client_secret: this.o.credentials.clientSecret,
    });
    const res = await exchange(
      this.o.fetch,
      `${this.o.baseUrl}/api/v2/oauth2/token.json`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      },
      {
        platform: 'vk-ads',
        label: 'POST /api/v2/oauth2/token.json',
        ...(this.o.timeoutMs ? { timeoutMs: this.o.timeoutMs } : {}),
      },
    );
    if (res.status !== 200) throw errorFromAnswer(res, 'token', this.now());
    let parsed: z.infer<typeof tokenAnswer>;
    try {
      parsed = tokenAnswer.parse(JSON.parse(res.text));
    } catch (e) {
      throw new CostConnectorError({
        platform: 'vk-ads',
        kind: 'bad_response',
        status: res.status,
        platformMessage: 'the token answer has no access_token, refresh_token and expires_in',
        cause: e,
      });
    }
    const token = {
      accessToken: parsed.access_token,
      refreshToken: parsed.refresh_token,
      expiresAt: this.now() + parsed.expires_in * 1000,
    };
    await this.o.store.save(token);
    return token;
  }
}
