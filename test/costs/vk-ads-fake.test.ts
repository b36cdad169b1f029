import { describe, expect, it } from 'vitest';
import { mintToken, SHOP, startFakeVkPerFile } from './vk-world.js';

const fake = startFakeVkPerFile();

async function token(): Promise<string> {
  return ((await (await mintToken(fake())).json()) as { access_token: string }).access_token;
}

async function get(
  path: string,
  bearer: string,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${fake().url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

const form = (fields: Record<string, string>) =>
  fetch(`${fake().url}/api/v2/oauth2/token.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

describe('fake VK Ads answers as the docs say', () => {
  it('client_credentials: the token answer; at most 5 tokens per user, 403 then; delete.json clears them', async () => {
    const first = await mintToken(fake());
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 86_400,
      scope: [],
      refresh_token: expect.any(String),
      tokens_left: 4,
    });
    for (let i = 0; i < 4; i++) expect((await mintToken(fake())).status).toBe(200);
    const sixth = await mintToken(fake());
    expect(sixth.status).toBe(403);
    const del = await fetch(`${fake().url}/api/v2/oauth2/token/delete.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: SHOP.id, client_secret: SHOP.secret }).toString(),
    });
    expect(del.status).toBe(204);
    expect((await mintToken(fake())).status).toBe(200);
  });

  it('refresh changes the access value in place; the old one is then unknown; expiry says expired_token', async () => {
    const minted = (await (await mintToken(fake())).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const refreshed = (await (
      await form({
        grant_type: 'refresh_token',
        refresh_token: minted.refresh_token,
        client_id: SHOP.id,
        client_secret: SHOP.secret,
      })
    ).json()) as { access_token: string; refresh_token: string };
    expect(refreshed.access_token).not.toBe(minted.access_token);
    expect(refreshed.refresh_token).toBe(minted.refresh_token);
    const old = await get('/api/v2/user.json', minted.access_token);
    expect(old.status).toBe(401);
    expect(old.body).toEqual({ code: 'invalid_token', message: 'Unknown access token' });
    expect(old.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="invalid_token", error_description="Unknown access token"',
    );
    fake().clock.advance(86_401);
    expect((await get('/api/v2/user.json', refreshed.access_token)).body).toEqual({
      code: 'expired_token',
      message: 'Access token is expired',
    });
  });

  it('lists ad plans as the API standards say: count/offset/limit/items, filters, sorting, limit ≤ 50', async () => {
    const t = await token();
    expect((await get('/api/v2/ad_plans.json', t)).body).toEqual({
      count: 2,
      offset: 0,
      limit: 20,
      items: [
        { id: 501, name: 'Весна — ретаргетинг' },
        { id: 502, name: 'Архив' },
      ],
    });
    expect((await get('/api/v2/ad_plans.json?_status=deleted&fields=id,status', t)).body).toMatchObject({
      count: 1,
      items: [{ id: 502, status: 'deleted' }],
    });
    expect((await get('/api/v2/ad_groups.json?sorting=-id&limit=2&fields=id,ad_plan_id', t)).body).toEqual({
      count: 3,
      offset: 0,
      limit: 2,
      items: [
        { id: 603, ad_plan_id: 502 },
        { id: 602, ad_plan_id: 501 },
      ],
    });
    const tooMany = await get('/api/v2/ad_plans.json?limit=51', t);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ error: { fields: { limit: { code: 'invalid' } } } });
    expect((await get('/api/v2/user.json', t)).body).toMatchObject({ username: 'shop-vk', currency: 'RUB' });
  });

  it('statistics by day: every date zero-filled, money as decimal strings, per-object and overall totals', async () => {
    const t = await token();
    const r = await get(
      '/api/v2/statistics/ad_plans/day.json?id=501&date_from=2026-03-02&date_to=2026-03-04',
      t,
    );
    const items = (
      r.body as { items: Array<{ id: number; rows: Array<{ date: string; base: unknown }>; total: unknown }> }
    ).items;
    expect(items[0]?.rows.map((x) => x.date)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
    expect(items[0]?.rows[0]?.base).toMatchObject({
      shows: 1200,
      clicks: 22,
      spent: '1279.66',
      cpc: '58.17',
      ctr: 1.833333,
    });
    expect(items[0]?.rows[2]?.base).toMatchObject({ shows: 0, clicks: 0, spent: '0', cpm: '0' });
    expect(items[0]?.total).toEqual({ base: expect.objectContaining({ shows: 1700, spent: '1579.66' }) });
    expect((r.body as { total: unknown }).total).toEqual({ base: expect.objectContaining({ clicks: 27 }) });
    const summary = await get('/api/v2/statistics/ad_groups/summary.json?id=603', t);
    expect(summary.body).toMatchObject({
      items: [{ id: 603, total: { base: { shows: 50, spent: '10.00' } } }],
    });
  });

  it('statistics errors in their own shape: bad date, limits, foreign ids, unknown resource', async () => {
    const t = await token();
    const cases: Array<[string, number, string]> = [
      ['/api/v2/statistics/ad_plans/day.json?id=501&date_from=2026-13-01', 400, 'ERR_WRONG_DATE'],
      ['/api/v2/statistics/ad_plans/day.json?id=501&date_from=2025-03-01', 400, 'ERR_LIMIT_EXCEEDED'],
      [
        `/api/v2/statistics/ad_groups/day.json?id=${Array.from({ length: 201 }, (_, i) => i + 1).join(',')}&date_from=2026-03-01`,
        400,
        'ERR_LIMIT_EXCEEDED',
      ],
      ['/api/v2/statistics/ad_plans/day.json?id=701&date_from=2026-03-01', 400, 'ERR_WRONG_ADPLANS'],
      ['/api/v2/statistics/ad_plans/day.json?date_from=2026-03-01', 400, 'ERR_WRONG_PARAMETER'],
      ['/api/v2/statistics/campaigns/day.json?id=1&date_from=2026-03-01', 404, 'ERR_WRONG_RESOURCE'],
    ];
    for (const [path, status, code] of cases) {
      const r = await get(path, t);
      expect([path, r.status]).toEqual([path, status]);
      expect(r.body).toEqual({ error: { message: expect.any(String), code } });
    }
  });

  it('rate limits: the six X-RateLimit headers on every answer, 429 past the limit, throttling.json', async () => {
    const t = await token();
    fake().limiter.limits = { rps: 1000, hourly: 2, daily: 50 };
    const ok = await get('/api/v2/user.json', t);
    expect(ok.headers.get('X-RateLimit-Hourly-Limit')).toBe('2');
    expect(ok.headers.get('X-RateLimit-Hourly-Remaining')).toBe('1');
    expect(ok.headers.get('X-RateLimit-Daily-Remaining')).toBe('49');
    expect(ok.headers.get('X-RateLimit-RPS-Limit')).toBe('1000');
    const throttling = await get('/api/v2/throttling.json', t);
    expect(throttling.body).toEqual({
      ALL: {
        all: { READ: { limits: expect.any(Object), remaining: expect.objectContaining({ '3600': 0 }) } },
      },
    });
    const limited = await get('/api/v2/user.json', t);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('X-RateLimit-Hourly-Remaining')).toBe('0');
  });

  it('injected server errors answer ERR_INTERNAL', async () => {
    const t = await token();
    fake().faults.failNext(1, { status: 503 });
    const r = await get('/api/v2/ad_plans.json', t);
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ error: { message: 'Internal server error', code: 'ERR_INTERNAL' } });
  });
});
