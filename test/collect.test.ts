import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from './helpers/client.js';
import { collect, randomId } from './helpers/collect.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let siteKey: string;
let projectId: string;
const site = 'https://divan-shop.ru';

beforeAll(async () => {
  server = await startTestServer();
  const { client } = await signUp(server.url);
  const p = await client.post<{ id: string; siteKey: string }>('/api/v1/projects', {
    name: 'Диваны',
    domains: ['divan-shop.ru'],
  });
  siteKey = p.body.siteKey;
  projectId = p.body.id;
});
afterAll(() => server?.close());

const count = async (table: 'hits' | 'visits' | 'visitors' | 'leads') =>
  Number(
    (
      await server.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('POST /collect', () => {
  it('stores a page view, opens a visit from the UTM tags and answers 204 with CORS', async () => {
    const cid = randomId(18);
    const r = await collect(server.url, {
      site: siteKey,
      cid,
      url: `${site}/?utm_source=yandex&utm_medium=cpc&utm_campaign=spring&utm_term=%D0%BA%D1%83%D0%BF%D0%B8%D1%82%D1%8C+%D0%B4%D0%B8%D0%B2%D0%B0%D0%BD&yclid=123`,
      ref: 'https://yandex.ru/',
      ga: '1234567890.1234567890',
      ym: '1700000000123456789',
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(site);
    const visit = await server.db
      .selectFrom('visits')
      .selectAll()
      .where('visitor_id', '=', cid)
      .executeTakeFirstOrThrow();
    expect(visit).toMatchObject({
      source: 'yandex',
      medium: 'cpc',
      campaign: 'spring',
      term: 'купить диван',
      click_id_type: 'yclid',
      hits: 1,
      device: 'desktop',
    });
    const visitor = await server.db
      .selectFrom('visitors')
      .selectAll()
      .where('id', '=', cid)
      .executeTakeFirstOrThrow();
    expect(visitor).toMatchObject({
      ga_client_id: '1234567890.1234567890',
      ym_client_id: '1700000000123456789',
    });
    expect(visitor.browser).toMatch(/^Chrome 131/);
    const project = await server.db
      .selectFrom('projects')
      .select('last_hit_at')
      .where('id', '=', projectId)
      .executeTakeFirstOrThrow();
    expect(project.last_hit_at).not.toBeNull();
  });

  it('acknowledges a retried event without storing it twice', async () => {
    const before = await count('hits');
    const event = { site: siteKey, cid: randomId(18), url: `${site}/catalog`, eid: randomId() };
    expect((await collect(server.url, event)).status).toBe(204);
    expect((await collect(server.url, event)).status).toBe(204);
    expect(await count('hits')).toBe(before + 1);
  });

  it('sessionises: internal pages continue the visit, a new source opens a new one, the path records both', async () => {
    const cid = randomId(18);
    await collect(server.url, { site: siteKey, cid, url: `${site}/?utm_source=yandex&utm_medium=cpc` });
    await collect(server.url, { site: siteKey, cid, url: `${site}/sofas`, ref: `${site}/` });
    await collect(server.url, { site: siteKey, cid, url: `${site}/sofas/1`, ref: 'https://www.google.com/' });
    await collect(server.url, { site: siteKey, cid, url: `${site}/contacts`, ref: `${site}/sofas/1` });
    // Typing the address mid-visit does not start a visit.
    await collect(server.url, { site: siteKey, cid, url: `${site}/`, ref: '' });
    const visits = await server.db
      .selectFrom('visits')
      .selectAll()
      .where('visitor_id', '=', cid)
      .orderBy('started_at')
      .execute();
    expect(visits.map((v) => [v.source, v.medium, v.hits])).toEqual([
      ['yandex', 'cpc', 2],
      ['google', 'organic', 3],
    ]);
  });

  it('turns a tracker form event into a lead with its attribution', async () => {
    const cid = randomId(18);
    await collect(server.url, {
      site: siteKey,
      cid,
      url: `${site}/?utm_source=vk&utm_medium=social&utm_campaign=%D0%BE%D1%81%D0%B5%D0%BD%D1%8C`,
      ref: 'https://vk.com/',
      ga: '111.222',
    });
    const r = await collect(server.url, {
      site: siteKey,
      cid,
      type: 'lead',
      url: `${site}/contacts`,
      ref: `${site}/`,
      lead: {
        email: ' Ivan@Example.RU ',
        phone: '8 (912) 345-67-89',
        name: 'Иван  Петров',
        message: 'Перезвоните',
      },
    });
    expect(r.status).toBe(204);
    const lead = await server.db
      .selectFrom('leads')
      .selectAll()
      .where('visitor_id', '=', cid)
      .executeTakeFirstOrThrow();
    expect(lead).toMatchObject({
      type: 'form',
      channel: 'tracker',
      email: 'ivan@example.ru',
      phone: '+79123456789',
      name: 'Иван Петров',
      message: 'Перезвоните',
      duplicate_of: null,
    });
    expect(lead.params).toMatchObject({
      source: 'vk',
      medium: 'social',
      campaign: 'осень',
      social_network: 'vk',
      path: 'vk / social',
      ga_client_id: '111.222',
      at_client_id: cid,
      page: `${site}/contacts`,
      device: 'desktop',
    });
    const events = await server.db
      .selectFrom('lead_events')
      .selectAll()
      .where('lead_id', '=', lead.id)
      .execute();
    expect(events.map((e) => e.type)).toEqual(['lead.created']);
  });

  describe('refuses what it must not store', () => {
    const cases: Array<[string, () => Promise<{ status: number; body: string }>, number, string | null]> = [
      ['malformed JSON', () => collect(server.url, {}, { raw: '{"v":1,' }), 400, 'invalid_event'],
      [
        'a missing visitor id',
        () => collect(server.url, { site: siteKey, url: `${site}/` }),
        400,
        'invalid_event',
      ],
      [
        'an unknown site key',
        () => collect(server.url, { site: 'pk_nope_nope_nope', cid: randomId(18), url: `${site}/` }),
        404,
        'unknown_site',
      ],
      [
        'a page outside the domains',
        () => collect(server.url, { site: siteKey, cid: randomId(18), url: 'https://evil.ru/' }),
        403,
        'foreign_origin',
      ],
      [
        'a foreign Origin',
        () =>
          collect(
            server.url,
            { site: siteKey, cid: randomId(18), url: `${site}/` },
            { origin: 'https://evil.ru' },
          ),
        403,
        'foreign_origin',
      ],
      [
        'a body over 16 KB',
        () =>
          collect(server.url, {
            site: siteKey,
            cid: randomId(18),
            url: `${site}/`,
            ref: `${site}/${'x'.repeat(17_000)}`,
          }),
        413,
        'payload_too_large',
      ],
      [
        'a bot (204, dropped)',
        () =>
          collect(
            server.url,
            { site: siteKey, cid: randomId(18), url: `${site}/` },
            { userAgent: 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)' },
          ),
        204,
        null,
      ],
    ];
    it.each(cases)('%s', async (_name, send, status, code) => {
      const before = await Promise.all([count('hits'), count('visitors'), count('leads')]);
      const r = await send();
      expect(r.status).toBe(status);
      if (code) expect(JSON.parse(r.body).error.code).toBe(code);
      expect(await Promise.all([count('hits'), count('visitors'), count('leads')])).toEqual(before);
    });
  });
});

describe('the visitor address', () => {
  const SPB = '95.55.100.1'; // GeoLite2: Санкт-Петербург, Россия

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const cid = randomId(18);
    await collect(
      server.url,
      { site: siteKey, cid, url: `${site}/` },
      { headers: { 'x-forwarded-for': SPB } },
    );
    const visit = await server.db
      .selectFrom('visits')
      .selectAll()
      .where('visitor_id', '=', cid)
      .executeTakeFirstOrThrow();
    expect(visit.ip).toBe('127.0.0.1');
    expect(visit.city_ru).toBeNull();
  });

  it('takes the client address from a trusted proxy and finds its city in Russian and English', async () => {
    const proxied = await startTestServer({ TRUST_PROXY: 'true' });
    try {
      const { client } = await signUp(proxied.url);
      const p = await client.post<{ siteKey: string }>('/api/v1/projects', {
        name: 'СПб',
        domains: ['divan-shop.ru'],
      });
      const cid = randomId(18);
      const r = await collect(
        proxied.url,
        { site: p.body.siteKey, cid, url: `${site}/` },
        { headers: { 'x-forwarded-for': `${SPB}, 10.0.0.1` } },
      );
      expect(r.status).toBe(204);
      const v = await proxied.db
        .selectFrom('visits')
        .selectAll()
        .where('visitor_id', '=', cid)
        .executeTakeFirstOrThrow();
      expect(v).toMatchObject({
        ip: SPB,
        city_ru: 'Санкт-Петербург',
        city_en: 'St Petersburg',
        country_code: 'RU',
        country_ru: 'Россия',
      });
    } finally {
      await proxied.close();
    }
  });
});

describe('the collector endpoint outside the API router', () => {
  it('answers other content types with 415 in the error shape, in English when asked', async () => {
    const r = await fetch(`${server.url}/collect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
      body: 'v=1',
    });
    expect(r.status).toBe(415);
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unsupported_media_type');
    expect(body.error.message).toMatch(/Content-Type/);
  });

  it('answers a CORS preflight, should a browser send one', async () => {
    const r = await fetch(`${server.url}/collect`, {
      method: 'OPTIONS',
      headers: {
        origin: site,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(site);
    expect(r.headers.get('access-control-allow-methods')).toBe('POST');
  });

  it('leaves other methods and paths to the API (GET /collect is a 404 in the error shape)', async () => {
    const r = await fetch(`${server.url}/collect`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
  });

  it('reports its requests in /metrics', async () => {
    await collect(server.url, { site: siteKey, cid: randomId(18), url: `${site}/` });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(
      /leadtrail_http_request_duration_seconds_count\{method="POST",route="\/collect",status="204"\} [1-9]/,
    );
    expect(text).toMatch(/leadtrail_collect_events_total\{outcome="stored"\} [1-9]/);
    expect(text).toMatch(/leadtrail_collect_batch_events_count [1-9]/);
    // the batch's write time, commit included: a slow disk shows here first
    const sum = Number(/^leadtrail_collect_batch_seconds_sum (\S+)/m.exec(text)?.[1]);
    expect(sum).toBeGreaterThan(0);
    expect(text).toMatch(/leadtrail_collect_batch_seconds_bucket\{le="\+Inf"\} [1-9]/);
  });
});
