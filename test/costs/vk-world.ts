/** A small hand-made VK Ads world for the cost tests, with the figures the assertions compute from. */
import { type FakeVk, type FakeVkOptions, startFakeVk } from '../../fakes/vk-ads/server.js';
import { fakePerFile } from './helpers.js';

export const SHOP = { id: 'shop-client-id', secret: 'shop-client-secret' };
export const AGENCY = { id: 'agency-client-id', secret: 'agency-client-secret' };
export const AGENCY_CLIENT = 'client-vk';

export function seedWorld(vk: FakeVk): void {
  const s = vk.state;
  const shop = s.addUser('shop-vk', { client: SHOP });
  s.addAdPlan(shop.id, { id: 501, name: 'Весна — ретаргетинг', status: 'active' });
  s.addAdPlan(shop.id, { id: 502, name: 'Архив', status: 'deleted' });
  s.addAdGroup({ id: 601, adPlanId: 501, name: 'Москва', status: 'active' });
  s.addAdGroup({ id: 602, adPlanId: 501, name: 'Казань', status: 'blocked' });
  s.addAdGroup({ id: 603, adPlanId: 502, name: 'Старая группа', status: 'deleted' });
  s.addStats([
    { date: '2026-03-02', adGroupId: 601, shows: 1000, clicks: 20, spentCents: 123_456 },
    { date: '2026-03-03', adGroupId: 601, shows: 500, clicks: 5, spentCents: 30_000 },
    { date: '2026-03-02', adGroupId: 602, shows: 200, clicks: 2, spentCents: 4_510 },
    { date: '2026-03-02', adGroupId: 603, shows: 50, clicks: 1, spentCents: 1_000 },
  ]);

  const agency = s.addUser('ag-vk', { type: 'agency', client: AGENCY });
  const client = s.addUser(AGENCY_CLIENT, { agencyId: agency.id, currency: 'KZT' });
  s.addAdPlan(client.id, { id: 701, name: 'Алматы', status: 'active' });
  s.addAdGroup({ id: 801, adPlanId: 701, name: 'Мебель', status: 'active' });
  s.addStats([{ date: '2026-03-02', adGroupId: 801, shows: 100, clicks: 3, spentCents: 99_999 }]);
}

/**
 * A fake VK Ads for the test file, holding this world on 2026-03-15; tokens, faults, limits (set
 * high) and the request log are cleared before each test.
 */
export function startFakeVkPerFile(opts: FakeVkOptions = {}): () => FakeVk {
  return fakePerFile(
    async () => {
      const vk = await startFakeVk({ seed: false, today: '2026-03-15', ...opts });
      seedWorld(vk);
      return vk;
    },
    (vk) => {
      vk.faults.reset();
      vk.limiter.reset();
      vk.limiter.limits = { rps: 1000, hourly: 100_000, daily: 1_000_000 };
      vk.state.tokens.clear();
      vk.requests.length = 0;
    },
  );
}

/** Mints a token straight at the fake's endpoint. */
export async function mintToken(
  vk: FakeVk,
  client = SHOP,
  extra: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${vk.url}/api/v2/oauth2/token.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.id,
      client_secret: client.secret,
      ...extra,
    }).toString(),
  });
}
