/**
 * The world a fresh fake VK Ads starts with: an advertiser with API access and active, blocked and
 * deleted campaigns (Russian names), an agency with API access and one client, deterministic stats.
 */
import { addDays, datesBetween } from '../common/http.js';
import type { DayStat, VkState } from './state.js';

export const CLIENT_ID = 'fake-vk-client-id';
export const CLIENT_SECRET = 'fake-vk-client-secret';
export const AGENCY_CLIENT_ID = 'fake-vk-agency-client-id';
export const AGENCY_CLIENT_SECRET = 'fake-vk-agency-client-secret';
export const AGENCY_CLIENT_USERNAME = 'vk-client-shop';

/** Activity for each ad group on each day, the same on every start. */
export function generateStats(adGroupIds: number[], from: string, to: string, seed: number): DayStat[] {
  let x = seed;
  const next = () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
  return datesBetween(from, to).flatMap((date) =>
    adGroupIds.map((adGroupId) => {
      const shows = Math.floor(next() * 3_000);
      const clicks = Math.floor(shows * (0.005 + next() * 0.02));
      return { date, adGroupId, shows, clicks, spentCents: Math.floor(shows * (8 + next() * 12)) };
    }),
  );
}

export function seedDefault(state: VkState, today: string, days = 90): void {
  const from = addDays(today, -days);
  const yesterday = addDays(today, -1);
  const me = state.addUser('leadtrail-vk', { client: { id: CLIENT_ID, secret: CLIENT_SECRET } });
  state.addAdPlan(me.id, { id: 15_000_001, name: 'Весенняя распродажа', status: 'active' });
  state.addAdPlan(me.id, { id: 15_000_002, name: 'Ретаргетинг: корзина', status: 'blocked' });
  state.addAdPlan(me.id, { id: 15_000_003, name: 'Старая кампания', status: 'deleted' });
  state.addAdGroup({ id: 25_000_001, adPlanId: 15_000_001, name: 'Москва, 25–45', status: 'active' });
  state.addAdGroup({ id: 25_000_002, adPlanId: 15_000_001, name: 'Санкт-Петербург', status: 'active' });
  state.addAdGroup({ id: 25_000_003, adPlanId: 15_000_002, name: 'Брошенные корзины', status: 'blocked' });
  state.addAdGroup({ id: 25_000_004, adPlanId: 15_000_003, name: 'Осень', status: 'deleted' });
  state.addStats(generateStats([25_000_001, 25_000_002, 25_000_003], from, yesterday, 7));
  state.addStats(generateStats([25_000_004], from, addDays(from, 20), 8));

  const agency = state.addUser('leadtrail-vk-agency', {
    type: 'agency',
    client: { id: AGENCY_CLIENT_ID, secret: AGENCY_CLIENT_SECRET },
  });
  const client = state.addUser(AGENCY_CLIENT_USERNAME, { agencyId: agency.id });
  state.addAdPlan(client.id, { id: 15_000_101, name: 'Клиент: мебель', status: 'active' });
  state.addAdGroup({ id: 25_000_101, adPlanId: 15_000_101, name: 'Мебель', status: 'active' });
  state.addStats(generateStats([25_000_101], from, yesterday, 9));
}
