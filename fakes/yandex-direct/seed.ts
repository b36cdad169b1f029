/**
 * The world a fresh fake Direct starts with: an advertiser with search and network campaigns and
 * Russian keywords, an agency with one client in another currency, and deterministic daily stats.
 */
import { addDays, datesBetween } from '../common/http.js';
import type { Campaign, DayStat, DirectState } from './state.js';

export const ADVERTISER_LOGIN = 'leadtrail-shop';
export const ADVERTISER_TOKEN = 'fake-direct-advertiser-token';
export const AGENCY_LOGIN = 'leadtrail-agency';
export const AGENCY_TOKEN = 'fake-direct-agency-token';
export const AGENCY_CLIENT_LOGIN = 'leadtrail-client';

export const SHOP_CAMPAIGNS: Campaign[] = [
  {
    id: 70_000_001,
    name: 'Поиск — бренд',
    type: 'TEXT_CAMPAIGN',
    adGroups: [
      {
        id: 5_100_000_001,
        name: 'Бренд',
        criteria: [
          { id: 41_000_000_001, text: 'лидтрейл', type: 'KEYWORD' },
          { id: 41_000_000_002, text: 'лидтрейл отзывы', type: 'KEYWORD' },
        ],
      },
    ],
  },
  {
    id: 70_000_002,
    name: 'Поиск — диваны',
    type: 'TEXT_CAMPAIGN',
    adGroups: [
      {
        id: 5_100_000_002,
        name: 'Диваны угловые',
        criteria: [
          { id: 41_000_000_003, text: 'угловой диван купить', type: 'KEYWORD' },
          { id: 41_000_000_004, text: 'диван-кровать недорого -бу', type: 'KEYWORD' },
        ],
      },
      {
        id: 5_100_000_003,
        name: 'Автотаргетинг',
        criteria: [{ id: 41_000_000_005, text: '---autotargeting', type: 'AUTOTARGETING' }],
      },
    ],
  },
  {
    id: 70_000_003,
    name: 'РСЯ — ретаргетинг',
    type: 'TEXT_CAMPAIGN',
    adGroups: [
      {
        id: 5_100_000_004,
        name: 'Посетители корзины',
        criteria: [{ id: 41_000_000_006, text: 'диваны москва', type: 'KEYWORD' }],
      },
    ],
  },
];

export const CLIENT_CAMPAIGNS: Campaign[] = [
  {
    id: 70_000_101,
    name: 'Алматы — поиск',
    type: 'TEXT_CAMPAIGN',
    adGroups: [
      {
        id: 5_100_000_101,
        name: 'Мебель',
        criteria: [{ id: 41_000_000_101, text: 'мебель алматы', type: 'KEYWORD' }],
      },
    ],
  },
];

/** Numbers in [0, 1) from a seed (xorshift32): the same world on every start. */
function numbers(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
}

/** Plausible deterministic activity for each criterion on each day from `from` to `to`. */
export function generateStats(criterionIds: number[], from: string, to: string, seed: number): DayStat[] {
  const rnd = numbers(seed);
  const out: DayStat[] = [];
  for (const date of datesBetween(from, to)) {
    for (const criterionId of criterionIds) {
      const impressions = Math.floor(rnd() * 400);
      const clicks = Math.floor(impressions * (0.02 + rnd() * 0.06));
      const cpcCents = 1500 + Math.floor(rnd() * 4500);
      if (impressions === 0) continue;
      out.push({ date, criterionId, impressions, clicks, costCents: clicks * cpcCents });
    }
  }
  return out;
}

function criterionIds(campaigns: Campaign[]): number[] {
  return campaigns.flatMap((c) => c.adGroups.flatMap((g) => g.criteria.map((k) => k.id)));
}

/** Fills `state` with the default world and `days` days of statistics up to yesterday. */
export function seedDefault(state: DirectState, today: string, days = 90): void {
  const from = addDays(today, -days);
  const to = addDays(today, -1);
  state.addAdvertiser(ADVERTISER_LOGIN, { token: ADVERTISER_TOKEN });
  for (const c of SHOP_CAMPAIGNS) state.addCampaign(ADVERTISER_LOGIN, c);
  state.addStats(ADVERTISER_LOGIN, generateStats(criterionIds(SHOP_CAMPAIGNS), from, to, 1));

  state.addAdvertiser(AGENCY_CLIENT_LOGIN, { currency: 'KZT', vatRate: 0.12 });
  for (const c of CLIENT_CAMPAIGNS) state.addCampaign(AGENCY_CLIENT_LOGIN, c);
  state.addStats(AGENCY_CLIENT_LOGIN, generateStats(criterionIds(CLIENT_CAMPAIGNS), from, to, 2));
  state.addAgency(AGENCY_LOGIN, { clients: [AGENCY_CLIENT_LOGIN], token: AGENCY_TOKEN });
}
