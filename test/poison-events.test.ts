import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from './helpers/client.js';
import { collect, randomId } from './helpers/collect.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/**
 * Issue 10: a page view holding U+0000 (or a lone surrogate) used to reach PostgreSQL, fail with
 * 22P05 and be answered 503, which the tracker retries for ever. Such text is cleaned when the
 * event is validated; the rest of the page view is kept.
 */
let server: TestServer;
let siteKey: string;
const site = 'https://yad-shop.ru';

beforeAll(async () => {
  server = await startTestServer();
  const { client } = await signUp(server.url);
  const p = await client.post<{ siteKey: string }>('/api/v1/projects', {
    name: 'Ядовитый',
    domains: ['yad-shop.ru'],
  });
  siteKey = p.body.siteKey;
});
afterAll(() => server?.close());

const visitOf = (cid: string) =>
  server.db.selectFrom('visits').selectAll().where('visitor_id', '=', cid).executeTakeFirst();
const hitOf = (cid: string) =>
  server.db.selectFrom('hits').selectAll().where('visitor_id', '=', cid).executeTakeFirst();

describe('NUL and lone surrogates in a collected event', () => {
  it('?utm_source=%00x is stored with the UTM value cleaned, answered 204', async () => {
    const cid = randomId(18);
    const r = await collect(server.url, {
      site: siteKey,
      cid,
      url: `${site}/?utm_source=%00x&utm_campaign=a%00b&utm_term=%00`,
    });
    expect(r.status).toBe(204);
    const visit = await visitOf(cid);
    expect(visit).toMatchObject({ source: 'x', campaign: 'ab', term: null });
  });

  it.each([
    ['url', { url: `${site}/a\u0000b?x=1` }],
    ['ref', { url: `${site}/`, ref: 'https://ya.ru/\u0000' }],
    ['lang', { url: `${site}/`, lang: 'ru\u0000' }],
    ['url (lone surrogate)', { url: `${site}/\ud800?utm_source=\udc00vk` }],
    ['ref (lone surrogate)', { url: `${site}/`, ref: 'https://ya.ru/\ud800' }],
  ])('a page view with it in %s is stored clean, answered 204', async (_, fields) => {
    const cid = randomId(18);
    const r = await collect(server.url, { site: siteKey, cid, ...fields });
    expect(r.status).toBe(204);
    const hit = await hitOf(cid);
    expect(hit).toBeDefined();
    for (const v of [hit?.url, hit?.referrer]) {
      expect(v ?? '').not.toContain('\u0000');
      expect(v ?? '').not.toMatch(/[\ud800-\udfff]/);
    }
  });

  it('a tracker form lead with NUL in its fields becomes a lead with clean text', async () => {
    const cid = randomId(18);
    const r = await collect(server.url, {
      site: siteKey,
      cid,
      type: 'lead',
      url: `${site}/contacts`,
      lead: { email: 'ivan@example.ru', name: 'Иван\u0000 Петров', message: 'Перезвоните\u0000\ud800' },
    });
    expect(r.status).toBe(204);
    const lead = await server.db
      .selectFrom('leads')
      .selectAll()
      .where('visitor_id', '=', cid)
      .executeTakeFirstOrThrow();
    expect(lead.name).toBe('Иван Петров');
    expect(lead.message).toBe('Перезвоните');
  });

  it('its batch mates are stored too', async () => {
    const cids = Array.from({ length: 6 }, () => randomId(18));
    const rs = await Promise.all(
      cids.map((cid, i) =>
        collect(server.url, {
          site: siteKey,
          cid,
          url: i % 2 ? `${site}/?utm_source=%00vk` : `${site}/page-${i}`,
        }),
      ),
    );
    expect(rs.map((r) => r.status)).toEqual(cids.map(() => 204));
    for (const cid of cids) expect(await hitOf(cid)).toBeDefined();
  });
});
