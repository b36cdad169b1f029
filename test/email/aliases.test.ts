// GET /alias and plus aliases, and who an alias named at a given time.
import { sql } from 'kysely';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { plusToken, visitorForAlias } from '../../src/email/aliases.js';
import { expectError } from '../helpers/assert.js';
import { randomId } from '../helpers/collect.js';
import {
  age,
  aliasOf,
  ask,
  bindings,
  configure,
  otherProjectId,
  otherSiteKey,
  projectId,
  SITE,
  server,
  setUpAliasProjects,
  siteKey,
} from './alias-fixtures.js';

setUpAliasProjects();

describe('GET /alias: the contract', () => {
  beforeEach(() => configure({ public_address: 'info@shop.ru', alias_mode: 'plus' }));

  it('answers {address, alias} with the page origin allowed, per Origin, never cached', async () => {
    const r = await ask(randomId());
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(r.headers.get('vary')).toMatch(/Origin/);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(r.body ?? {})).toEqual(['address', 'alias']);
    expect(r.body?.address).toBe('info@shop.ru');
    expect(r.body?.alias).toMatch(/^info\+[a-z0-9]{6}@shop\.ru$/);
    // a subdomain of a project domain is the site too (as for /collect)
    expect((await ask(randomId(), { origin: 'https://m.shop.ru:8443' })).status).toBe(200);
  });

  it('204 when the project has no e-mail tracking, for a bot, and nothing is bound', async () => {
    await server.db.deleteFrom('email_tracking').where('project_id', '=', projectId).execute();
    const r = await ask(randomId());
    expect(r.status).toBe(204);
    expect(r.body).toBeNull();
    expect(r.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(r.headers.get('cache-control')).toBe('no-store');
    await configure({ public_address: 'info@shop.ru', alias_mode: 'plus' });
    const bot = await ask(randomId(), {
      userAgent: 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
    });
    expect(bot.status).toBe(204);
    expect(await bindings()).toEqual([]);
  });

  it('refuses a foreign origin (403, no CORS grant), null origins and foreign referers', async () => {
    const cid = randomId();
    for (const origin of ['https://evil.ru', 'https://shop.ru.evil.ru', 'null']) {
      const r = await ask(cid, { origin });
      expectError(r, 403, 'foreign_origin');
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    }
    // another project's site key from this project's pages
    await configure({ public_address: 'info@kresla.ru', alias_mode: 'plus' }, otherProjectId);
    expect((await ask(cid, { site: otherSiteKey })).status).toBe(403);
    // without Origin (same-origin GET), the Referer decides
    expect((await ask(cid, { origin: null, referer: 'https://evil.ru/page' })).status).toBe(403);
    expect((await ask(cid, { origin: null, referer: 'https://shop.ru/contacts' })).status).toBe(200);
    expect((await bindings({ visitor: cid })).length).toBe(1);
  });

  it('400 with a short reason for a malformed site key or visitor id; 404 for an unknown site key', async () => {
    const bad = await ask('short');
    expectError(bad, 400, 'validation_error', 'querystring.cid');
    expect(bad.headers.get('cache-control')).toBe('no-store');
    const badSite = await ask(randomId(), { site: 'pk_<script>' });
    expect(badSite.status).toBe(400);
    expect(JSON.stringify(badSite.body?.error?.details)).toContain('querystring.site');
    const missing = await fetch(`${server.url}/alias?site=${siteKey}`, { headers: { origin: SITE } });
    expect(missing.status).toBe(400);
    expect((await ask(randomId(), { site: 'pk_nosuchsitekey000' })).status).toBe(404);
  });
});

describe('plus aliases', () => {
  beforeEach(() => configure({ public_address: 'Info@Shop.ru', alias_mode: 'plus' }));

  it('one alias per visitor, the same on every request, distinct between visitors', async () => {
    const [a, b] = [randomId(), randomId()];
    const first = await ask(a);
    expect(first.body?.address).toBe('Info@Shop.ru'); // as configured
    const alias = first.body?.alias ?? '';
    expect(alias).toMatch(/^info\+[a-z0-9]{6}@shop\.ru$/);
    for (let i = 0; i < 3; i++) expect(await aliasOf(a)).toBe(alias);
    const other = await aliasOf(b);
    expect(other).not.toBe(alias);
    expect(other).toMatch(/^info\+[a-z0-9]{6}@shop\.ru$/);
    const rows = await bindings({ visitor: a });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ alias, valid_to: null });
  });

  it('tokens are unique in the project over many visitors', async () => {
    const aliases = [];
    for (let i = 0; i < 40; i++) aliases.push(await aliasOf(randomId()));
    expect(new Set(aliases.map((a) => plusToken(a))).size).toBe(40);
  });

  it('a visitor asking from several tabs at once still gets a single alias', async () => {
    const cid = randomId();
    const answers = await Promise.all(Array.from({ length: 8 }, () => aliasOf(cid)));
    expect(new Set(answers).size).toBe(1);
    expect(await bindings({ visitor: cid })).toHaveLength(1);
  });

  it('refreshes last_seen_at at most once a minute', async () => {
    const cid = randomId();
    await aliasOf(cid);
    await age(cid, 5);
    await aliasOf(cid);
    const [fresh] = await bindings({ visitor: cid });
    expect(Date.now() - fresh!.last_seen_at.getTime()).toBeLessThan(30_000);
    // within the minute: no write
    await server.db
      .updateTable('email_aliases')
      .set({ last_seen_at: sql`now() - interval '30 seconds'` })
      .where('visitor_id', '=', cid)
      .execute();
    const before = (await bindings({ visitor: cid }))[0]!.last_seen_at.getTime();
    await aliasOf(cid);
    expect((await bindings({ visitor: cid }))[0]!.last_seen_at.getTime()).toBe(before);
  });

  it('a changed public address keeps the visitor’s token; the old alias still names the visitor', async () => {
    const cid = randomId();
    const old = await aliasOf(cid);
    await server.db
      .updateTable('email_tracking')
      .set({ public_address: 'sales@shop.ru' })
      .where('project_id', '=', projectId)
      .execute();
    const now = await aliasOf(cid);
    expect(now).toBe(`sales+${plusToken(old)}@shop.ru`);
    expect(await visitorForAlias(server.db, projectId, old, new Date())).toBe(cid);
    expect(await visitorForAlias(server.db, projectId, now, new Date())).toBe(cid);
  });
});

describe('visitorForAlias', () => {
  const at = (iso: string) => new Date(iso);
  beforeAll(async () => {
    await configure({ public_address: 'info@shop.ru', alias_mode: 'pool', pool_addresses: ['a1@shop.ru'] });
    await server.db
      .insertInto('email_aliases')
      .values([
        // a1: visitor A 10:00–10:40, then B from 10:40 on
        {
          project_id: projectId,
          alias: 'a1@shop.ru',
          visitor_id: 'visitor-a-000000000',
          valid_from: at('2026-11-24T10:00:00Z'),
          last_seen_at: at('2026-11-24T10:05:00Z'),
          valid_to: at('2026-11-24T10:40:00Z'),
        },
        {
          project_id: projectId,
          alias: 'a1@shop.ru',
          visitor_id: 'visitor-b-000000000',
          valid_from: at('2026-11-24T10:40:00Z'),
          last_seen_at: at('2026-11-24T10:41:00Z'),
          valid_to: null,
        },
        {
          project_id: projectId,
          alias: 'info+k7f3x1@shop.ru',
          visitor_id: 'visitor-c-000000000',
          valid_from: at('2026-11-24T09:00:00Z'),
          last_seen_at: at('2026-11-24T09:00:00Z'),
          valid_to: null,
        },
      ])
      .execute();
  });

  it('finds who held a pool address at that time', async () => {
    const who = (iso: string, alias = 'a1@shop.ru') => visitorForAlias(server.db, projectId, alias, at(iso));
    expect(await who('2026-11-24T09:59:59Z')).toBeNull();
    expect(await who('2026-11-24T10:00:00Z')).toBe('visitor-a-000000000');
    // after A's last request but before anyone else took it: still A's
    expect(await who('2026-11-24T10:30:00Z')).toBe('visitor-a-000000000');
    expect(await who('2026-11-24T10:39:59.999Z')).toBe('visitor-a-000000000');
    expect(await who('2026-11-24T10:40:00Z')).toBe('visitor-b-000000000');
    expect(await who('2027-01-01T00:00:00Z')).toBe('visitor-b-000000000');
    expect(await who('2026-11-24T10:10:00Z', ' A1@Shop.RU ')).toBe('visitor-a-000000000');
    expect(await who('2026-11-24T10:10:00Z', 'a2@shop.ru')).toBeNull();
  });

  it('matches a plus alias by its token, whatever the case or the address around it', async () => {
    const who = (alias: string, iso = '2026-11-24T12:00:00Z') =>
      visitorForAlias(server.db, projectId, alias, at(iso));
    expect(await who('info+k7f3x1@shop.ru')).toBe('visitor-c-000000000');
    expect(await who('Info+K7F3X1@Shop.RU')).toBe('visitor-c-000000000');
    expect(await who('sales+k7f3x1@shop.ru')).toBe('visitor-c-000000000');
    expect(await who('info+k7f3x2@shop.ru')).toBeNull();
    expect(await who('info@shop.ru')).toBeNull();
    expect(await who('info+k7f3x1@shop.ru', '2026-11-24T08:59:00Z')).toBeNull();
    // another project's alias space is its own
    expect(
      await visitorForAlias(server.db, otherProjectId, 'info+k7f3x1@shop.ru', at('2026-11-24T12:00:00Z')),
    ).toBeNull();
  });
});
