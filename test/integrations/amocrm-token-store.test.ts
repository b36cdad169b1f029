import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAmo, startFakeAmo } from '../../fakes/amocrm/server.js';
import { createDb, type Db } from '../../src/db/connection.js';
import { refreshStaleTokens } from '../../src/housekeeping/token-refresh.js';
import {
  AmoClient,
  AmoError,
  type AmoTokenSource,
  type AmoTokens,
  exchangeAuthorizationCode,
} from '../../src/integrations/amocrm/client.js';
import {
  AMO_TOKEN_PURPOSE,
  AmoTokenStore,
  sealTokensForInsert,
} from '../../src/integrations/amocrm/token-store.js';
import { Sealer } from '../../src/security/sealed.js';
import { createTestDatabase, insertProjectRow, type TestDatabase } from '../helpers/db.js';

const sealer = new Sealer('test-secret-key-test-secret-key-0123456789', AMO_TOKEN_PURPOSE);

let database: TestDatabase;
/** a second pool on the same database: another worker process as far as PostgreSQL can tell */
let other: Db;
let amo: FakeAmo;
let accountId: string;
/** more pools (processes), closed with the rest */
const extraPools: Db[] = [];
function anotherProcess(): Db {
  const db = createDb(database.url, 2).db;
  extraPools.push(db);
  return db;
}

beforeAll(async () => {
  database = await createTestDatabase();
  other = createDb(database.url, 5).db;
  amo = await startFakeAmo();
  const account = await database.db
    .insertInto('accounts')
    .values({ name: 'ООО «Ромашка»' })
    .returning('id')
    .executeTakeFirstOrThrow();
  accountId = account.id;
});

afterAll(async () => {
  await amo?.close();
  await Promise.all(extraPools.map((db) => db.destroy()));
  await other?.destroy();
  await database?.drop();
});

const oauthOf = (a: FakeAmo) => ({
  baseUrl: a.url,
  clientId: a.clientId,
  clientSecret: a.clientSecret,
  redirectUri: a.redirectUri,
});

/** A project of its own with an amoCRM integration row, as the connect flow would save it. */
async function connect(
  auth: 'oauth' | 'long_lived',
): Promise<{ id: string; tokens: AmoTokens | null; longLived: string | null }> {
  const projectId = await insertProjectRow(database.db, accountId);
  const base = {
    project_id: projectId,
    kind: 'amocrm' as const,
    settings: '{}',
    base_url: amo.url,
    auth,
  };
  if (auth === 'long_lived') {
    const longLived = amo.issueLongLivedToken();
    const row = await database.db
      .insertInto('integrations')
      .values({ ...base, access_token_enc: sealer.seal(longLived) })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, tokens: null, longLived };
  }
  const tokens = await exchangeAuthorizationCode({ fetch, ...oauthOf(amo), code: amo.authorizationCode() });
  const row = await database.db
    .insertInto('integrations')
    .values({
      ...base,
      client_id: amo.clientId,
      client_secret_enc: sealer.seal(amo.clientSecret),
      redirect_uri: amo.redirectUri,
      ...sealTokensForInsert(sealer, tokens),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, tokens, longLived: null };
}

const clientWith = (tokens: AmoTokenSource) => new AmoClient({ fetch, baseUrl: amo.url, tokens });

async function failureOf(p: Promise<unknown>): Promise<AmoError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AmoError) return e;
    throw e;
  }
  throw new Error('expected an AmoError');
}

describe('AmoTokenStore (oauth)', () => {
  it('refreshes exactly once when two processes renew the same failed token', async () => {
    const { id, tokens } = await connect('oauth');
    const failed = tokens!.accessToken;
    const a = new AmoTokenStore(database.db, sealer, id, { fetch });
    const b = new AmoTokenStore(other, sealer, id, { fetch });
    expect(await a.get()).toBe(failed);
    expect(await b.get()).toBe(failed);

    const before = amo.state.refreshCount;
    const [ra, rb, ra2] = await Promise.all([a.renew(failed), b.renew(failed), a.renew(failed)]);
    expect(amo.state.refreshCount - before).toBe(1);
    expect(ra).not.toBe(failed);
    expect(rb).toBe(ra);
    expect(ra2).toBe(ra);
    expect(await a.get()).toBe(ra);
    expect(await b.get()).toBe(ra);
    await expect(clientWith(b).account()).resolves.toMatchObject({ id: amo.state.account.id });

    // Later, a third process that still holds the old token gets the current one, no refresh.
    const c = new AmoTokenStore(anotherProcess(), sealer, id, { fetch });
    expect(await c.renew(failed)).toBe(ra);
    expect(amo.state.refreshCount - before).toBe(1);
  });

  it('renews a stale cached token through the client after another process refreshed', async () => {
    const { id, tokens } = await connect('oauth');
    const stale = new AmoTokenStore(database.db, sealer, id, { fetch });
    expect(await stale.get()).toBe(tokens!.accessToken);
    const fresh = await new AmoTokenStore(other, sealer, id, { fetch }).renew(tokens!.accessToken);
    const before = amo.state.refreshCount;
    // The cached token was revoked by that refresh: the client gets a 401 and renews without refreshing.
    await expect(clientWith(stale).account()).resolves.toMatchObject({ id: amo.state.account.id });
    expect(await stale.get()).toBe(fresh);
    expect(amo.state.refreshCount).toBe(before);
  });

  it('refreshes an access token that is about to expire, once for all processes', async () => {
    const { id, tokens } = await connect('oauth');
    await database.db
      .updateTable('integrations')
      .set({ access_expires_at: new Date(Date.now() - 5_000) })
      .where('id', '=', id)
      .execute();
    const before = amo.state.refreshCount;
    const [a, b] = await Promise.all([
      new AmoTokenStore(database.db, sealer, id, { fetch }).get(),
      new AmoTokenStore(other, sealer, id, { fetch }).get(),
    ]);
    expect(amo.state.refreshCount - before).toBe(1);
    expect(a).not.toBe(tokens!.accessToken);
    expect(b).toBe(a);
    const row = await database.db
      .selectFrom('integrations')
      .select('access_expires_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.access_expires_at!.getTime()).toBeGreaterThan(Date.now() + 86_000_000);
    // Fresh now: no further refresh.
    await new AmoTokenStore(database.db, sealer, id, { fetch }).get();
    expect(amo.state.refreshCount - before).toBe(1);
  });

  it('turns a refused refresh into an auth error that names no secret', async () => {
    const { id, tokens } = await connect('oauth');
    // Someone spent the refresh token elsewhere: amoCRM answers "Token has been revoked".
    const r = await fetch(`${amo.url}/__fake/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: tokens!.refreshToken }),
    });
    expect(r.status).toBe(200);
    const store = new AmoTokenStore(database.db, sealer, id, { fetch });
    const err = await failureOf(store.renew(tokens!.accessToken));
    expect(err.kind).toBe('auth');
    expect(err.retryable).toBe(false);
    expect(err.detail).toMatch(/reconnect amoCRM/);
    const said = `${err.message} ${err.detail} ${String(err.cause ?? '')} ${JSON.stringify(err)}`;
    for (const secret of [tokens!.accessToken, tokens!.refreshToken, amo.clientSecret]) {
      expect(said).not.toContain(secret);
    }
    // The stored pair is left as it was.
    const row = await database.db
      .selectFrom('integrations')
      .select(['access_token_enc', 'refresh_token_enc'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(sealer.open(row.access_token_enc!)).toBe(tokens!.accessToken);
    expect(sealer.open(row.refresh_token_enc!)).toBe(tokens!.refreshToken);
  });

  it('stores the tokens sealed', async () => {
    const { id, tokens } = await connect('oauth');
    const renewed = await new AmoTokenStore(database.db, sealer, id, { fetch }).renew(tokens!.accessToken);
    const row = await database.db
      .selectFrom('integrations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const raw = JSON.stringify(row);
    for (const secret of [tokens!.accessToken, tokens!.refreshToken, renewed, amo.clientSecret]) {
      expect(raw).not.toContain(secret);
    }
    expect(sealer.open(row.access_token_enc!)).toBe(renewed);
    expect(sealer.open(row.refresh_token_enc!)).not.toBe(tokens!.refreshToken);
    // Sealed for this purpose only.
    expect(() =>
      new Sealer('test-secret-key-test-secret-key-0123456789', 'other').open(row.access_token_enc!),
    ).toThrow();
  });
});

describe('AmoTokenStore (long-lived)', () => {
  it('has nothing to refresh: a rejected token is an auth error', async () => {
    const { id, longLived } = await connect('long_lived');
    const store = new AmoTokenStore(database.db, sealer, id, { fetch });
    expect(await store.get()).toBe(longLived);
    const before = amo.state.refreshAttempts;
    const err = await failureOf(store.renew(longLived!));
    expect(err.kind).toBe('auth');
    expect(err.detail).toBe('the long-lived token was rejected; paste a new one');
    expect(err.message).not.toContain(longLived!);
    expect(amo.state.refreshAttempts).toBe(before);
  });

  it('picks up a newly pasted token instead of failing', async () => {
    const { id, longLived } = await connect('long_lived');
    const store = new AmoTokenStore(database.db, sealer, id, { fetch });
    expect(await store.get()).toBe(longLived);
    const pasted = amo.issueLongLivedToken();
    await database.db
      .updateTable('integrations')
      .set({ access_token_enc: sealer.seal(pasted) })
      .where('id', '=', id)
      .execute();
    expect(await store.renew(longLived!)).toBe(pasted);
    expect(await store.get()).toBe(pasted);
  });
});

describe('AmoTokenStore (no connection)', () => {
  it('is an auth error for an unknown integration', async () => {
    const store = new AmoTokenStore(database.db, sealer, '00000000-0000-0000-0000-000000000000', { fetch });
    expect((await failureOf(store.get())).kind).toBe('auth');
  });
});

describe('weekly refresh in housekeeping', () => {
  it('refreshes tokens last refreshed over a week ago, and leaves fresh ones alone', async () => {
    const stale = await connect('oauth');
    const fresh = await connect('oauth');
    const day = 86_400_000;
    for (const [id, at] of [
      [stale.id, new Date(Date.now() - 8 * day)],
      [fresh.id, new Date(Date.now() - day)],
    ] as const)
      await database.db
        .updateTable('integrations')
        .set({ tokens_refreshed_at: at })
        .where('id', '=', id)
        .execute();
    const before = amo.state.refreshCount;
    const n = await refreshStaleTokens(database.db, { fetch, tokenSealer: sealer });
    expect(n).toBe(1);
    expect(amo.state.refreshCount - before).toBe(1);
    const rows = await database.db
      .selectFrom('integrations')
      .select(['id', 'tokens_refreshed_at', 'refresh_token_enc'])
      .where('id', 'in', [stale.id, fresh.id])
      .execute();
    const s = rows.find((r) => r.id === stale.id);
    const f = rows.find((r) => r.id === fresh.id);
    expect(s?.tokens_refreshed_at?.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(sealer.open(s?.refresh_token_enc ?? '')).not.toBe(stale.tokens?.refreshToken);
    expect(f?.tokens_refreshed_at?.getTime()).toBeLessThan(Date.now() - day + 60_000);
    expect(sealer.open(f?.refresh_token_enc ?? '')).toBe(fresh.tokens?.refreshToken);
  });
});

describe('the account subdomain changes', () => {
  it('finds the new host by the refresh token and refreshes there, without asking to reconnect', async () => {
    const renamed = await startFakeAmo();
    const projectId = await insertProjectRow(database.db, accountId);
    const tokens = await exchangeAuthorizationCode({
      fetch,
      ...oauthOf(renamed),
      code: renamed.authorizationCode(),
    });
    const row = await database.db
      .insertInto('integrations')
      .values({
        project_id: projectId,
        kind: 'amocrm',
        settings: '{}',
        base_url: renamed.url,
        auth: 'oauth',
        client_id: renamed.clientId,
        client_secret_enc: sealer.seal(renamed.clientSecret),
        redirect_uri: renamed.redirectUri,
        ...sealTokensForInsert(sealer, tokens),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    try {
      const oldUrl = renamed.url;
      const newUrl = await renamed.rename('leadtrail-new');
      const store = new AmoTokenStore(database.db, sealer, row.id, { fetch });
      const fresh = await store.renew(tokens.accessToken);
      expect(fresh).not.toBe(tokens.accessToken);
      const saved = await database.db
        .selectFrom('integrations')
        .select('base_url')
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow();
      expect(saved.base_url).toBe(newUrl);
      expect(saved.base_url).not.toBe(oldUrl);
      const client = new AmoClient({ fetch, baseUrl: saved.base_url, tokens: store });
      expect((await client.account()).subdomain).toBe('leadtrail-new');
    } finally {
      await renamed.close();
    }
  });
});
