import { beforeEach, describe, expect, it } from 'vitest';
import type { CostRow } from '../../src/costs/cost-row.js';
import {
  type DirectCostQuery,
  type DirectWaiting,
  fetchDirectCosts,
  getDirectAccount,
} from '../../src/costs/yandex-direct/client.js';
import { ADDRESS_REFUSED_TEXT, createAddressGuard } from '../../src/delivery/address-guard.js';
import { AGENCY_CLIENT, AGENCY_TOKEN, SHOP_TOKEN, startFakeDirectPerFile } from './direct-world.js';
import { failure, recordingRetry } from './helpers.js';

const fake = startFakeDirectPerFile({ retryIn: 2 });
let sleeps: number[];
beforeEach(() => {
  sleeps = [];
});

function query(over: Partial<DirectCostQuery> = {}): DirectCostQuery {
  return {
    credentials: { token: SHOP_TOKEN },
    fetch,
    baseUrl: fake().url,
    from: '2026-03-02',
    to: '2026-03-03',
    includeVat: false,
    retry: recordingRetry(sleeps),
    ...over,
  };
}

const row = (r: Partial<CostRow>): CostRow => ({
  date: '2026-03-02',
  source: 'yandex',
  medium: 'cpc',
  campaign: 'Весна «Диваны»',
  campaignId: '901',
  content: 'Угловые диваны',
  term: 'купить угловой диван',
  impressions: 0,
  clicks: 0,
  cost: 0,
  currency: 'RUB',
  ...r,
});

const NET: CostRow[] = [
  row({ impressions: 120, clicks: 7, cost: 310.5 }),
  row({ term: 'диван ёлка', impressions: 40, clicks: 1, cost: 45.99 }),
  row({
    campaign: 'Brand',
    campaignId: '902',
    content: 'Автотаргетинг',
    term: '---autotargeting',
    impressions: 300,
    clicks: 12,
    cost: 600.01,
  }),
  row({ date: '2026-03-03', impressions: 95, clicks: 5, cost: 225 }),
];

const byKey = (rows: CostRow[]) =>
  [...rows].sort((a, b) =>
    `${a.date}${a.campaignId}${a.term}`.localeCompare(`${b.date}${b.campaignId}${b.term}`),
  );

describe('Yandex Direct cost client against the fake', () => {
  it('reads a normal report: one row per day and keyword, Cyrillic names intact, currency from Clients.get', async () => {
    const rows = await fetchDirectCosts(query());
    expect(byKey(rows)).toEqual(byKey(NET));
    const report = fake().requests.find((r) => r.path === '/json/v5/reports');
    expect(report?.headers).toMatchObject({
      processingmode: 'auto',
      skipreportheader: 'true',
      skipreportsummary: 'true',
    });
    expect(report?.headers.returnmoneyinmicros).toBeUndefined();
    expect(fake().requests.filter((r) => r.path === '/json/v5/clients')).toHaveLength(1);
  });

  it('adds VAT when asked, the same in micros and in currency amounts', async () => {
    const gross = [372.6, 55.19, 720.01, 270];
    const expected = NET.map((r, i) => ({ ...r, cost: gross[i] ?? Number.NaN }));
    const micros = await fetchDirectCosts(query({ includeVat: true, currency: 'RUB' }));
    expect(byKey(micros)).toEqual(byKey(expected));
    const amounts = await fetchDirectCosts(
      query({ includeVat: true, currency: 'RUB', moneyInMicros: false }),
    );
    expect(byKey(amounts)).toEqual(byKey(expected));
    const headers = fake().requests.map((r) => r.headers.returnmoneyinmicros);
    expect(headers).toEqual([undefined, 'false']);
  });

  it('waits out the offline flow 201 → 202 → 200, repeating the identical request after each retryIn', async () => {
    fake().faults.offline(1, 1);
    const waits: DirectWaiting[] = [];
    const rows = await fetchDirectCosts(query({ currency: 'RUB', onWaiting: (w) => waits.push(w) }));
    expect(byKey(rows)).toEqual(byKey(NET));
    expect(fake().requests.map((r) => r.status)).toEqual([201, 202, 200]);
    expect(new Set(fake().requests.map((r) => JSON.stringify([r.reportName, r.headers]))).size).toBe(1);
    expect(waits.map((w) => [w.status, w.retryInSeconds, w.reportsInQueue])).toEqual([
      [201, 2, 1],
      [202, 2, 1],
    ]);
    expect(sleeps).toEqual([2000, 2000]);
  });

  it('gives up on an offline report after maxWaitMs with a retryable timeout', async () => {
    fake().faults.offline(1, 50);
    const e = await failure(fetchDirectCosts(query({ currency: 'RUB', maxWaitMs: 5_000 })));
    expect(e.kind).toBe('timeout');
    expect(e.retryable).toBe(true);
    expect(sleeps).toEqual([2000, 2000]);
  });

  it('an agency must name its client: without Client-Login Direct refuses, with it the rows come in KZT', async () => {
    const e = await failure(
      fetchDirectCosts(query({ credentials: { token: AGENCY_TOKEN }, language: 'ru', currency: 'KZT' })),
    );
    expect(e.kind).toBe('validation');
    expect(e.code).toBe('8000');
    expect(e.platformMessage).toBe(
      'Некорректный запрос: В HTTP-заголовке Client-Login необходимо указать логин рекламодателя',
    );
    const rows = await fetchDirectCosts(
      query({ credentials: { token: AGENCY_TOKEN, clientLogin: AGENCY_CLIENT } }),
    );
    expect(rows).toEqual([
      row({
        campaign: 'Алматы',
        campaignId: '905',
        content: 'Мебель',
        term: 'мебель алматы',
        impressions: 10,
        clicks: 2,
        cost: 1000,
        currency: 'KZT',
      }),
    ]);
    expect(
      await getDirectAccount(query({ credentials: { token: AGENCY_TOKEN, clientLogin: AGENCY_CLIENT } })),
    ).toEqual({
      login: AGENCY_CLIENT,
      clientId: expect.any(Number),
      currency: 'KZT',
    });
  });

  it('a bad token fails at once as auth, in Direct words, without retries', async () => {
    const e = await failure(fetchDirectCosts(query({ credentials: { token: 'revoked' }, currency: 'RUB' })));
    expect(e).toMatchObject({ kind: 'auth', code: '53', retryable: false, status: 400 });
    expect(e.platformMessage).toBe('Authorization error: Invalid OAuth token');
    expect(e.requestId).toMatch(/^\d+$/);
    expect(fake().requests).toHaveLength(1);
  });

  it('retries a limit error and a server error with backoff, then succeeds', async () => {
    fake().faults.failNext(1, { code: 9000 });
    fake().faults.failNext(1, { status: 500, html: true });
    fake().faults.failNext(1, { code: 56 });
    const rows = await fetchDirectCosts(query({ currency: 'RUB' }));
    expect(byKey(rows)).toEqual(byKey(NET));
    expect(fake().requests.map((r) => [r.status, r.errorCode])).toEqual([
      [400, 9000],
      [500, null],
      [400, 56],
      [200, null],
    ]);
    // 9000 and 56 wait the 10 s public clients use; the HTML 500 the doubled backoff.
    expect(sleeps).toEqual([10_000, 200, 10_000]);
  });

  it('stops after the attempts run out and reports the last error', async () => {
    fake().faults.failNext(4, { code: 1000 });
    const e = await failure(fetchDirectCosts(query({ currency: 'RUB' })));
    expect(e).toMatchObject({ kind: 'server', code: '1000', retryable: true });
    expect(e.platformMessage).toBe('Server temporarily unavailable: Injected fault');
    expect(fake().requests).toHaveLength(4);
  });

  it('points used up: a quota error for the next run, not retried now', async () => {
    fake().faults.unitsExhausted = true;
    const e = await failure(fetchDirectCosts(query({ currency: 'RUB' })));
    expect(e).toMatchObject({ kind: 'quota', code: '152', retryable: true });
    expect(fake().requests).toHaveLength(1);
  });

  it("goes through the outbound address guard's fetch: a refused host is a network error not worth retrying", async () => {
    const allowed = createAddressGuard({ allowPrivate: true });
    expect(byKey(await fetchDirectCosts(query({ fetch: allowed.fetch, currency: 'RUB' })))).toEqual(
      byKey(NET),
    );
    const strict = createAddressGuard({ allowPrivate: false });
    const e = await failure(fetchDirectCosts(query({ fetch: strict.fetch, currency: 'RUB' })));
    expect(e).toMatchObject({ kind: 'network', retryable: false, platformMessage: ADDRESS_REFUSED_TEXT });
    expect(fake().requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('an empty period gives no rows', async () => {
    expect(await fetchDirectCosts(query({ from: '2026-02-01', to: '2026-02-10', currency: 'RUB' }))).toEqual(
      [],
    );
  });
});
