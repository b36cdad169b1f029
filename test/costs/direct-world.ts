/** A small hand-made Direct world for the cost tests, with the figures the assertions compute from. */
import {
  type FakeDirect,
  type FakeDirectOptions,
  startFakeDirect,
} from '../../fakes/yandex-direct/server.js';
import type { DayStat } from '../../fakes/yandex-direct/state.js';
import { fakePerFile } from './helpers.js';

export const SHOP = 'shop-vesna';
export const SHOP_TOKEN = 'shop-token';
export const AGENCY = 'agency-one';
export const AGENCY_TOKEN = 'agency-token';
export const AGENCY_CLIENT = 'client-kz';

/** Net of VAT, hundredths of a rouble. */
export const STATS: DayStat[] = [
  { date: '2026-03-02', criterionId: 11, impressions: 120, clicks: 7, costCents: 31_050 },
  { date: '2026-03-02', criterionId: 12, impressions: 40, clicks: 1, costCents: 4_599 },
  { date: '2026-03-02', criterionId: 21, impressions: 300, clicks: 12, costCents: 60_001 },
  { date: '2026-03-03', criterionId: 11, impressions: 95, clicks: 5, costCents: 22_500 },
];

export function seedWorld(direct: FakeDirect): void {
  const s = direct.state;
  s.addAdvertiser(SHOP, { token: SHOP_TOKEN, currency: 'RUB', vatRate: 0.2 });
  s.addCampaign(SHOP, {
    id: 901,
    name: 'Весна «Диваны»',
    type: 'TEXT_CAMPAIGN',
    adGroups: [
      {
        id: 9011,
        name: 'Угловые диваны',
        criteria: [
          { id: 11, text: 'купить угловой диван', type: 'KEYWORD' },
          { id: 12, text: 'диван ёлка', type: 'KEYWORD' },
        ],
      },
    ],
  });
  s.addCampaign(SHOP, {
    id: 902,
    name: 'Brand',
    type: 'TEXT_CAMPAIGN',
    adGroups: [
      {
        id: 9021,
        name: 'Автотаргетинг',
        criteria: [{ id: 21, text: '---autotargeting', type: 'AUTOTARGETING' }],
      },
    ],
  });
  s.addStats(SHOP, STATS);

  s.addAdvertiser(AGENCY_CLIENT, { currency: 'KZT', vatRate: 0.12 });
  s.addCampaign(AGENCY_CLIENT, {
    id: 905,
    name: 'Алматы',
    type: 'TEXT_CAMPAIGN',
    adGroups: [{ id: 9051, name: 'Мебель', criteria: [{ id: 51, text: 'мебель алматы', type: 'KEYWORD' }] }],
  });
  s.addStats(AGENCY_CLIENT, [
    { date: '2026-03-02', criterionId: 51, impressions: 10, clicks: 2, costCents: 100_000 },
  ]);
  s.addAgency(AGENCY, { clients: [AGENCY_CLIENT], token: AGENCY_TOKEN });
}

export interface Call {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** A raw POST to the fake, for the contract checks. */
export async function postDirect(
  direct: FakeDirect,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Call> {
  const res = await fetch(`${direct.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * A fake Direct for the test file, holding this world on 2026-03-15; faults, limits, stored reports
 * and the request log are cleared before each test.
 */
export function startFakeDirectPerFile(opts: FakeDirectOptions = {}): () => FakeDirect {
  return fakePerFile(
    async () => {
      const direct = await startFakeDirect({ seed: false, today: '2026-03-15', ...opts });
      seedWorld(direct);
      return direct;
    },
    (direct) => {
      direct.faults.reset();
      direct.rate.reset();
      direct.reports.clear();
      direct.requests.length = 0;
    },
  );
}
