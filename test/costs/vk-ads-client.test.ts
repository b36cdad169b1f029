import { beforeEach, describe, expect, it } from 'vitest';
import type { CostRow } from '../../src/costs/cost-row.js';
import { fetchVkCosts, getVkAccount, type VkCostQuery } from '../../src/costs/vk-ads/client.js';
import { memoryTokenStore, type VkTokenStore } from '../../src/costs/vk-ads/oauth.js';
import { failure, recordingRetry } from './helpers.js';
import { AGENCY, AGENCY_CLIENT, mintToken, SHOP, startFakeVkPerFile } from './vk-world.js';

const fake = startFakeVkPerFile();
let sleeps: number[];
let store: VkTokenStore;
beforeEach(() => {
  sleeps = [];
  store = memoryTokenStore();
});

function query(over: Partial<VkCostQuery> = {}): VkCostQuery {
  return {
    credentials: { clientId: SHOP.id, clientSecret: SHOP.secret },
    tokenStore: store,
    fetch,
    baseUrl: fake().url,
    from: '2026-03-02',
    to: '2026-03-03',
    retry: recordingRetry(sleeps),
    ...over,
  };
}

const row = (r: Partial<CostRow>): CostRow => ({
  date: '2026-03-02',
  source: 'vk',
  medium: 'cpc',
  campaign: 'Весна — ретаргетинг',
  campaignId: '501',
  content: 'Москва',
  term: null,
  impressions: 0,
  clicks: 0,
  cost: 0,
  currency: 'RUB',
  ...r,
});

const sorted = (rows: CostRow[]) =>
  [...rows].sort((a, b) =>
    `${a.date}${a.campaignId}${a.content}`.localeCompare(`${b.date}${b.campaignId}${b.content}`),
  );

const BY_GROUP: CostRow[] = [
  row({ impressions: 1000, clicks: 20, cost: 1234.56 }),
  row({ date: '2026-03-03', impressions: 500, clicks: 5, cost: 300 }),
  row({ content: 'Казань', impressions: 200, clicks: 2, cost: 45.1 }),
  row({
    campaign: 'Архив',
    campaignId: '502',
    content: 'Старая группа',
    impressions: 50,
    clicks: 1,
    cost: 10,
  }),
];

const statsCalls = () => fake().requests.filter((r) => r.path.startsWith('/api/v2/statistics/'));

describe('VK Ads cost client against the fake', () => {
  it('reads daily rows per ad group, deleted campaigns included, names in Russian, currency from user.json', async () => {
    expect(sorted(await fetchVkCosts(query()))).toEqual(sorted(BY_GROUP));
    const stats = statsCalls();
    expect(stats).toHaveLength(1);
    expect(new URLSearchParams(stats[0]?.query)).toEqual(
      new URLSearchParams({
        id: '601,602,603',
        date_from: '2026-03-02',
        date_to: '2026-03-03',
        metrics: 'base',
      }),
    );
  });

  it('per ad plan: one row per campaign and day, no content', async () => {
    const rows = await fetchVkCosts(query({ level: 'ad_plans', currency: 'RUB' }));
    expect(sorted(rows)).toEqual(
      sorted([
        row({ content: null, impressions: 1200, clicks: 22, cost: 1279.66 }),
        row({ date: '2026-03-03', content: null, impressions: 500, clicks: 5, cost: 300 }),
        row({ campaign: 'Архив', campaignId: '502', content: null, impressions: 50, clicks: 1, cost: 10 }),
      ]),
    );
  });

  it('keeps one token in the store across runs instead of minting one per run', async () => {
    await fetchVkCosts(query({ currency: 'RUB' }));
    await fetchVkCosts(query({ currency: 'RUB' }));
    await getVkAccount(query());
    expect(fake().state.tokens.size).toBe(1);
    expect(fake().requests.filter((r) => r.path === '/api/v2/oauth2/token.json')).toHaveLength(1);
  });

  it('refreshes an expired token in place: new access value, same refresh token, still one token', async () => {
    await fetchVkCosts(query({ currency: 'RUB' }));
    const before = await store.load();
    fake().clock.advance(86_400 + 60);
    expect(sorted(await fetchVkCosts(query({ currency: 'RUB' })))).toEqual(sorted(BY_GROUP));
    const after = await store.load();
    expect(after?.accessToken).not.toBe(before?.accessToken);
    expect(after?.refreshToken).toBe(before?.refreshToken);
    expect(fake().state.tokens.size).toBe(1);
  });

  it('the 5-token cap: a quota error in VK words, retryable later', async () => {
    for (let i = 0; i < 5; i++) expect((await mintToken(fake())).status).toBe(200);
    const e = await failure(fetchVkCosts(query()));
    expect(e).toMatchObject({ kind: 'quota', status: 403, code: 'token_limit_exceeded', retryable: true });
    expect(e.platformMessage).toBe('The limit of 5 tokens for this user is reached');
  });

  it('a wrong client secret: auth, invalid_client', async () => {
    const e = await failure(
      fetchVkCosts(query({ credentials: { clientId: SHOP.id, clientSecret: 'wrong' } })),
    );
    expect(e).toMatchObject({ kind: 'auth', code: 'invalid_client', retryable: false });
    expect(e.platformMessage).toBe('Invalid client id or secret provided');
  });

  it('a revoked token: auth, revoked_token, without a retry', async () => {
    await fetchVkCosts(query({ currency: 'RUB' }));
    fake().faults.revokeAll(fake().state);
    fake().requests.length = 0;
    const e = await failure(fetchVkCosts(query({ currency: 'RUB' })));
    expect(e).toMatchObject({ kind: 'auth', status: 401, code: 'revoked_token' });
    expect(e.platformMessage).toBe('Access token has been revoked');
    expect(fake().requests).toHaveLength(1);
  });

  it('retries 429 bursts and a 503 with backoff, then succeeds', async () => {
    fake().faults.failNext(2, { status: 429, pathPrefix: '/api/v2/statistics/' });
    fake().faults.failNext(1, { status: 503, pathPrefix: '/api/v2/statistics/' });
    expect(sorted(await fetchVkCosts(query({ currency: 'RUB' })))).toEqual(sorted(BY_GROUP));
    expect(statsCalls().map((r) => r.status)).toEqual([429, 429, 503, 200]);
    // Without Retry-After or an exhausted window a 429 waits a second; the 503 the doubled backoff.
    expect(sleeps).toEqual([1000, 1000, 400]);
  });

  it('honours Retry-After on a 429', async () => {
    fake().faults.failNext(1, { status: 429, retryAfter: 7 });
    await fetchVkCosts(query({ currency: 'RUB' }));
    expect(sleeps).toEqual([7000]);
  });

  it('an hourly limit used up: a quota error for the next run, not retried now', async () => {
    fake().limiter.limits = { rps: 1000, hourly: 2, daily: 1000 };
    const e = await failure(fetchVkCosts(query({ currency: 'RUB' })));
    expect(e).toMatchObject({ kind: 'quota', status: 429 });
    expect(e.retryAfterMs).toBeGreaterThan(0);
    expect(e.retryAfterMs).toBeLessThanOrEqual(3_600_000);
    expect(sleeps).toEqual([]);
  });

  it("an agency reads its client's costs with agency client credentials", async () => {
    const credentials = { clientId: AGENCY.id, clientSecret: AGENCY.secret, agencyClientName: AGENCY_CLIENT };
    expect(await fetchVkCosts(query({ credentials }))).toEqual([
      row({
        campaign: 'Алматы',
        campaignId: '701',
        content: 'Мебель',
        impressions: 100,
        clicks: 3,
        cost: 999.99,
        currency: 'KZT',
      }),
    ]);
    // The agency's own token sees none of the client's campaigns.
    const own = await fetchVkCosts(
      query({
        credentials: { clientId: AGENCY.id, clientSecret: AGENCY.secret },
        tokenStore: memoryTokenStore(),
      }),
    );
    expect(own).toEqual([]);
  });

  it('adds VAT when a rate is given; an empty period gives no rows', async () => {
    const rows = await fetchVkCosts(
      query({ currency: 'RUB', vatRate: 0.2, to: '2026-03-02', level: 'ad_plans' }),
    );
    expect(rows.map((r) => [r.campaignId, r.cost])).toEqual(
      expect.arrayContaining([
        ['501', 1535.59],
        ['502', 12],
      ]),
    );
    expect(await fetchVkCosts(query({ currency: 'RUB', from: '2026-02-01', to: '2026-02-05' }))).toEqual([]);
  });

  it('asks for at most 200 ids at once and pages lists by 50', async () => {
    const vk = fake();
    const big = vk.state.addUser('big-vk', { client: { id: 'big', secret: 'big-secret' } });
    vk.state.addAdPlan(big.id, { id: 900, name: 'Много групп', status: 'active' });
    for (let i = 0; i < 250; i++) {
      vk.state.addAdGroup({ id: 10_000 + i, adPlanId: 900, name: `Группа ${i}`, status: 'active' });
      vk.state.addStats([
        { date: '2026-03-02', adGroupId: 10_000 + i, shows: 10, clicks: 1, spentCents: 100 },
      ]);
    }
    const rows = await fetchVkCosts(
      query({ credentials: { clientId: 'big', clientSecret: 'big-secret' }, currency: 'RUB' }),
    );
    expect(rows).toHaveLength(250);
    expect(statsCalls().map((r) => new URLSearchParams(r.query).get('id')?.split(',').length)).toEqual([
      200, 50,
    ]);
    expect(vk.requests.filter((r) => r.path === '/api/v2/ad_groups.json')).toHaveLength(5);
  });
});
