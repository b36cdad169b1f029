import { describe, expect, it } from 'vitest';
import { AGENCY_TOKEN, postDirect, SHOP, SHOP_TOKEN, startFakeDirectPerFile } from './direct-world.js';

const fake = startFakeDirectPerFile({ retryIn: 0 });

const definition = (over: Record<string, unknown> = {}) => ({
  params: {
    SelectionCriteria: { DateFrom: '2026-03-02', DateTo: '2026-03-03' },
    FieldNames: ['Date', 'CampaignName', 'Criterion', 'Impressions', 'Clicks', 'Cost'],
    ReportName: 'contract check',
    ReportType: 'CUSTOM_REPORT',
    DateRangeType: 'CUSTOM_DATE',
    Format: 'TSV',
    IncludeVAT: 'NO',
    ...over,
  },
});

const auth = { authorization: `Bearer ${SHOP_TOKEN}` };
const report = (body: unknown, headers: Record<string, string> = {}) =>
  postDirect(fake(), '/json/v5/reports', body, { ...auth, ...headers });

function directError(json: unknown): {
  error_code: number;
  error_string: string;
  error_detail: string;
  request_id: string;
} {
  return (
    json as { error: { error_code: number; error_string: string; error_detail: string; request_id: string } }
  ).error;
}

describe('fake Yandex Direct Reports answers as the docs say', () => {
  it('online: the full TSV — quoted title, column names, rows, Total rows — each line ending in \\n', async () => {
    const r = await report(definition(), { processingMode: 'online' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/tab-separated-values');
    expect(r.headers.get('RequestId')).toMatch(/^\d+$/);
    expect(r.text).toBe(
      [
        '"contract check (2026-03-02 - 2026-03-03)"',
        'Date\tCampaignName\tCriterion\tImpressions\tClicks\tCost',
        '2026-03-02\tBrand\t---autotargeting\t300\t12\t600010000',
        '2026-03-02\tВесна «Диваны»\tдиван ёлка\t40\t1\t45990000',
        '2026-03-02\tВесна «Диваны»\tкупить угловой диван\t120\t7\t310500000',
        '2026-03-03\tВесна «Диваны»\tкупить угловой диван\t95\t5\t225000000',
        'Total rows: 4',
        '',
      ].join('\n'),
    );
  });

  it('honours the skip headers (only "true" skips) and returnMoneyInMicros: false; IncludeVAT adds the rate', async () => {
    const r = await report(
      definition({
        IncludeVAT: 'YES',
        FieldNames: ['Date', 'Cost'],
        ReportType: 'ACCOUNT_PERFORMANCE_REPORT',
      }),
      {
        skipReportHeader: 'true',
        skipColumnHeader: 'false',
        skipReportSummary: 'true',
        returnMoneyInMicros: 'false',
      },
    );
    // 2026-03-02: 310.50 + 45.99 + 600.01 = 956.50 net → 1147.80 with 20 % VAT; 03-03: 225 → 270.
    expect(r.text).toBe('Date\tCost\n2026-03-02\t1147.80\n2026-03-03\t270.00\n');
  });

  it('offline: 201 and 202 with retryIn and reportsInQueue and an empty body, then 200 for the same request', async () => {
    const headers = { processingMode: 'offline', skipReportHeader: 'true', skipReportSummary: 'true' };
    const first = await report(definition(), headers);
    expect(first.status).toBe(201);
    expect(first.text).toBe('');
    expect(first.headers.get('retryIn')).toBe('0');
    expect(first.headers.get('reportsInQueue')).toBe('1');
    expect((await report(definition(), headers)).status).toBe(202);
    const done = await report(definition(), headers);
    expect(done.status).toBe(200);
    expect(done.text.split('\n')[0]).toBe('Date\tCampaignName\tCriterion\tImpressions\tClicks\tCost');
    // The same name with other parameters while the report lives: refused.
    const other = await report(definition({ IncludeVAT: 'YES' }), headers);
    expect(other.status).toBe(400);
    expect(directError(other.json).error_code).toBe(8000);
  });

  it('at most 5 offline reports queued per advertiser: the 6th gets 400 with code 9000', async () => {
    const codes: number[] = [];
    for (let i = 1; i <= 6; i++) {
      const r = await report(definition({ ReportName: `queued ${i}` }), { processingMode: 'offline' });
      codes.push(r.status);
      if (r.status === 400) expect(directError(r.json).error_code).toBe(9000);
    }
    expect(codes).toEqual([201, 201, 201, 201, 201, 400]);
  });

  it('errors: JSON error object with the RequestId header, texts in the Accept-Language', async () => {
    const noToken = await postDirect(fake(), '/json/v5/reports', definition());
    expect(noToken.status).toBe(400);
    const e = directError(noToken.json);
    expect(e).toMatchObject({
      error_code: 53,
      error_string: 'Authorization error',
      error_detail: 'OAuth token is missing',
    });
    expect(e.request_id).toBe(noToken.headers.get('RequestId'));

    const agency = await postDirect(fake(), '/json/v5/reports', definition(), {
      authorization: `Bearer ${AGENCY_TOKEN}`,
      'accept-language': 'ru',
    });
    expect(directError(agency.json)).toMatchObject({ error_code: 8000, error_string: 'Некорректный запрос' });
    const stranger = await postDirect(fake(), '/json/v5/reports', definition(), {
      authorization: `Bearer ${AGENCY_TOKEN}`,
      'client-login': SHOP,
    });
    expect(directError(stranger.json).error_code).toBe(54);
    const nobody = await report(definition(), { 'client-login': 'no-such-login' });
    expect(directError(nobody.json).error_code).toBe(8800);
  });

  it('validates the ReportDefinition', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ SelectionCriteria: {} }, /params/],
      [definition({ FieldNames: undefined }), /FieldNames/],
      [definition({ SelectionCriteria: {} }), /CUSTOM_DATE/],
      [definition({ SelectionCriteria: { DateFrom: '2026-03-05', DateTo: '2026-03-01' } }), /DateFrom/],
      [
        definition({
          ReportType: 'CAMPAIGN_PERFORMANCE_REPORT',
          FieldNames: ['CampaignId', 'Criterion', 'Cost'],
        }),
        /incompatible/,
      ],
      [definition({ Format: 'CSV' }), /TSV/],
      [definition({ FieldNames: ['Date', 'Date'] }), /repeated/],
    ];
    for (const [body, detail] of cases) {
      const r = await report(body);
      expect(r.status).toBe(400);
      expect(directError(r.json).error_code).toBe(8000);
      expect(directError(r.json).error_detail).toMatch(detail);
    }
    expect((await report('{not json')).status).toBe(400);
  });

  it('relative ranges exclude today; filters and paging apply', async () => {
    const r = await report(
      {
        params: {
          ...definition().params,
          SelectionCriteria: {
            Filter: [{ Field: 'Criterion', Operator: 'STARTS_WITH_IGNORE_CASE', Values: ['КУПИТЬ'] }],
          },
          DateRangeType: 'LAST_14_DAYS',
          FieldNames: ['Date', 'Clicks'],
          Page: { Limit: 1 },
        },
      },
      { skipReportHeader: 'true', skipReportSummary: 'true' },
    );
    expect(r.text).toBe('Date\tClicks\n2026-03-02\t7\n');
  });

  it('more than 20 requests in 10 s: error 56; GET is 405; Units rides on every answer', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await report(definition({ FieldNames: ['Date'] }))).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    const last = await report(definition());
    expect(directError(last.json).error_code).toBe(56);
    const get = await fetch(`${fake().url}/json/v5/reports`);
    expect(get.status).toBe(405);
    fake().rate.reset();
    expect((await report(definition())).headers.get('Units')).toMatch(/^0\/\d+\/64000$/);
  });

  it('Clients.get gives the currency; injected faults answer as configured', async () => {
    const c = await postDirect(
      fake(),
      '/json/v5/clients',
      { method: 'get', params: { FieldNames: ['Login', 'Currency'] } },
      auth,
    );
    expect(c.json).toEqual({ result: { Clients: [{ Login: SHOP, Currency: 'RUB' }] } });
    fake().faults.failNext(1, { html: true });
    const html = await report(definition());
    expect(html.status).toBe(500);
    expect(html.headers.get('content-type')).toBe('text/html');
    fake().faults.failNext(1, { status: 502, code: 1002 });
    expect((await report(definition())).status).toBe(502);
  });
});
