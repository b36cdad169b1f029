/**
 * The amoCRM tokens of one `integrations` row as the client's token source.
 *
 * amoCRM refresh tokens are single use and a refresh revokes the previous pair, so two processes
 * refreshing at once would leave one of them (and possibly the stored pair) dead. Refreshes are
 * therefore serialized on the row lock, the row is re-read under it, and the new pair is stored
 * before anyone uses it (docs §1.3, §1.8).
 */
import type { Db } from '../../db/connection.js';
import {
  findIntegrationTokens,
  lockIntegrationTokens,
  saveRefreshedTokens,
  type TokenColumns,
} from '../../db/queries/integrations.js';
import type { IntegrationsTable } from '../../db/schema.js';
import type { Sealer } from '../../security/sealed.js';
import { AmoError } from './errors.js';
import { currentAccountHost, refreshAccessToken } from './oauth-grants.js';
import type { AmoTokens } from './schemas.js';
import type { AmoTokenSource } from './transport.js';

/** The Sealer purpose of amoCRM tokens and client secrets: `new Sealer(secretKey, AMO_TOKEN_PURPOSE)`. */
export const AMO_TOKEN_PURPOSE = 'amocrm-tokens';

/** get() refreshes this long before the access token expires, so no request goes out with a dying one. */
const RENEW_AHEAD_MS = 60_000;

export type SealedTokenColumns = Pick<
  IntegrationsTable,
  'access_token_enc' | 'refresh_token_enc' | 'access_expires_at'
>;

/**
 * The token columns of an integrations row for a fresh OAuth pair. `issuedAt` should be taken
 * before the grant request left, so the stored expiry errs early rather than late.
 */
export function sealTokensForInsert(
  sealer: Sealer,
  tokens: Pick<AmoTokens, 'accessToken' | 'refreshToken' | 'expiresIn'>,
  issuedAt: Date = new Date(),
): { access_token_enc: string; refresh_token_enc: string; access_expires_at: Date } {
  return {
    access_token_enc: sealer.seal(tokens.accessToken),
    refresh_token_enc: sealer.seal(tokens.refreshToken),
    access_expires_at: new Date(issuedAt.getTime() + tokens.expiresIn * 1000),
  };
}

export interface AmoTokenStoreOptions {
  /** for the refresh grant: the outbound address guard's fetch (src/delivery/address-guard.ts) */
  fetch: typeof fetch;
  /** of the refresh grant request; default the client's 15 s */
  timeoutMs?: number;
}

interface Current {
  token: string;
  auth: IntegrationsTable['auth'];
  /** epoch ms; null when unknown (long-lived tokens) */
  expiresAt: number | null;
}

function authError(detail: string): AmoError {
  return new AmoError({ kind: 'auth', detail });
}

/** An error that may quote an answer of amoCRM, with any of our secrets blanked out. */
function withoutSecrets(e: AmoError, secrets: readonly string[]): AmoError {
  if (!secrets.some((s) => s !== '' && e.message.includes(s))) return e;
  let detail = e.detail;
  for (const s of secrets) if (s !== '') detail = detail.split(s).join('[redacted]');
  // The cause is dropped: it carries the same unredacted text.
  return new AmoError({ kind: e.kind, status: e.status, request: e.request, detail });
}

export class AmoTokenStore implements AmoTokenSource {
  #current: Current | null = null;
  /** in-process single flight: callers that saw the same token fail share one renewal */
  readonly #renewals = new Map<string, Promise<string>>();

  constructor(
    private readonly db: Db,
    private readonly sealer: Sealer,
    private readonly integrationId: string,
    private readonly opts: AmoTokenStoreOptions,
  ) {}

  async get(): Promise<string> {
    const cur = this.#current ?? (await this.#load());
    if (cur.auth !== 'oauth' || cur.expiresAt === null || cur.expiresAt - Date.now() > RENEW_AHEAD_MS) {
      return cur.token;
    }
    try {
      return await this.renew(cur.token);
    } catch (e) {
      // A refresh ahead of time that failed for a passing reason (network, 5xx) need not fail the
      // request while the token still works; a refused refresh must surface now.
      if (e instanceof AmoError && e.retryable && cur.expiresAt > Date.now()) return cur.token;
      throw e;
    }
  }

  renew(failed: string): Promise<string> {
    const pending = this.#renewals.get(failed);
    if (pending) return pending;
    const p = this.#renewOnce(failed).finally(() => this.#renewals.delete(failed));
    this.#renewals.set(failed, p);
    return p;
  }

  async #load(): Promise<Current> {
    const row = await findIntegrationTokens(this.db, this.integrationId);
    this.#current = this.#currentOf(row);
    return this.#current;
  }

  async #renewOnce(failed: string): Promise<string> {
    // The row lock (not an advisory lock) also holds back a reconnect that would store a new pair
    // while this refresh is in flight and then be overwritten by it.
    const cur = await this.db.transaction().execute(async (trx) => {
      const row = await lockIntegrationTokens(trx, this.integrationId);
      const stored = this.#currentOf(row);
      // Someone (another process, a reconnect, a newly pasted token) replaced it already.
      if (stored.token !== failed || !row) return stored;
      if (row.auth === 'long_lived') {
        throw authError('the long-lived token was rejected; paste a new one');
      }
      const issuedAt = new Date();
      const { tokens: fresh, baseUrl } = await this.#refresh(row, failed);
      const sealed = sealTokensForInsert(this.sealer, fresh, issuedAt);
      // Stored before the token is used: the old refresh token is already spent.
      await saveRefreshedTokens(trx, this.integrationId, {
        ...sealed,
        base_url: baseUrl,
        refreshedAt: issuedAt,
      });
      return { token: fresh.accessToken, auth: row.auth, expiresAt: sealed.access_expires_at.getTime() };
    });
    this.#current = cur;
    return cur.token;
  }

  async #refresh(row: TokenColumns, failed: string): Promise<{ tokens: AmoTokens; baseUrl: string }> {
    const { client_id, client_secret_enc, redirect_uri, refresh_token_enc } = row;
    if (!client_id || !client_secret_enc || !redirect_uri || !refresh_token_enc) {
      throw authError('the amoCRM OAuth connection is incomplete; reconnect amoCRM');
    }
    const clientSecret = this.#open(client_secret_enc);
    const refreshToken = this.#open(refresh_token_enc);
    const secrets = [refreshToken, clientSecret, failed];
    const grant = (baseUrl: string) =>
      refreshAccessToken({
        baseUrl,
        clientId: client_id,
        clientSecret,
        redirectUri: redirect_uri,
        refreshToken,
        fetch: this.opts.fetch,
        timeoutMs: this.opts.timeoutMs,
      });
    try {
      try {
        return { tokens: await grant(row.base_url), baseUrl: row.base_url };
      } catch (e) {
        // After the account's subdomain changed its old host refuses the grant (401/404): as the
        // official SDK does, ask amoCRM for the account's current host and try once more there.
        if (!(e instanceof AmoError) || (e.status !== 401 && e.status !== 404)) throw e;
        const moved = await currentAccountHost({
          baseUrl: row.base_url,
          accessToken: failed,
          refreshToken,
          fetch: this.opts.fetch,
          timeoutMs: this.opts.timeoutMs,
        }).catch(() => null);
        if (!moved || moved === row.base_url) throw e;
        return { tokens: await grant(moved), baseUrl: moved };
      }
    } catch (e) {
      if (!(e instanceof AmoError)) throw e;
      if (e.kind !== 'auth') throw withoutSecrets(e, secrets);
      const said = withoutSecrets(e, secrets);
      throw new AmoError({
        kind: 'auth',
        status: e.status,
        request: e.request,
        detail: `amoCRM refused to renew the access token; reconnect amoCRM (${said.detail})`,
      });
    }
  }

  #currentOf(row: TokenColumns | undefined): Current {
    if (!row) throw authError('the amoCRM integration is not connected');
    if (!row.access_token_enc) throw authError('no amoCRM access token is stored; reconnect amoCRM');
    return {
      token: this.#open(row.access_token_enc),
      auth: row.auth,
      expiresAt: row.auth === 'oauth' && row.access_expires_at ? row.access_expires_at.getTime() : null,
    };
  }

  #open(sealed: string): string {
    try {
      return this.sealer.open(sealed);
    } catch {
      throw authError(
        'the stored amoCRM credentials cannot be decrypted (was SECRET_KEY changed?); reconnect amoCRM',
      );
    }
  }
}
