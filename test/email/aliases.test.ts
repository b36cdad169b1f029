import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { plusToken, splitAddress, visitorForAlias } from '../../src/email/aliases.js';
import { expectError } from '../helpers/assert.js';
import { signUp } from '../helpers/client.js';
import { CHROME_UA, collect, randomId } from '../helpers/collect.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let siteKey: string;
let projectId: string;
let otherSiteKey: string;
let otherProjectId: string;
const SITE = 'https://shop.ru';

beforeAll(async () => {
  server = await startTestServer();
  const { client } = await signUp(server.url);
  const p = await client.post<{ id: string; siteKey: string }>('/api/v1/projects', {
    name: 'Диваны',
    domains: ['shop.ru'],
  });
  siteKey = p.body.siteKey;
  projectId = p.body.id;
  const o = await client.post<{ id: string; siteKey: string }>('/api/v1/projects', {
    name: 'Кресла',
    domains: ['kresla.ru'],
  });
  otherSiteKey = o.body.siteKey;
  otherProjectId = o.body.id;
});
afterAll(() => server?.close());

interface Answer {
  status: number;
  headers: Headers;
  body: {
    address?: string;
    alias?: string;
    error?: { code: string; message: string; details: unknown };
  } | null;
}

/** The pool binds only visitors with a stored page view (issue 10): pool tests' visitors make one first. */
let mode: 'plus' | 'pool' = 'plus';
const visited = new Set<string>();

/** A page view of the visitor on the site, as the tracker sends before it asks /alias. */
async function visit(cid: string): Promise<void> {
  const r = await collect(server.url, { site: siteKey, cid, url: `${SITE}/contacts` });
  expect(r.status).toBe(204);
  visited.add(cid);
}

async function ask(
  cid: string,
  opts: {
    site?: string;
    origin?: string | null;
    userAgent?: string;
    referer?: string;
    /** make a page view first (default: for a visitor of this project's pool not seen yet) */
    visit?: boolean;
  } = {},
): Promise<Answer> {
  if (opts.visit ?? (mode === 'pool' && opts.site === undefined && !visited.has(cid))) await visit(cid);
  const headers: Record<string, string> = { 'user-agent': opts.userAgent ?? CHROME_UA };
  const origin = opts.origin === undefined ? SITE : opts.origin;
  if (origin !== null) headers.origin = origin;
  if (opts.referer) headers.referer = opts.referer;
  const res = await fetch(
    `${server.url}/alias?site=${encodeURIComponent(opts.site ?? siteKey)}&cid=${encodeURIComponent(cid)}`,
    { headers },
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

async function aliasOf(cid: string): Promise<string> {
  const r = await ask(cid);
  expect(r.status).toBe(200);
  return r.body?.alias ?? '';
}

async function configure(
  settings: {
    public_address: string;
    alias_mode: 'plus' | 'pool';
    pool_addresses?: string[];
    hold_minutes?: number;
  },
  project = projectId,
) {
  if (project === projectId) mode = settings.alias_mode;
  await server.db.deleteFrom('email_aliases').where('project_id', '=', project).execute();
  await server.db.deleteFrom('email_tracking').where('project_id', '=', project).execute();
  await server.db
    .insertInto('email_tracking')
    .values({ project_id: project, pool_addresses: [], ...settings })
    .execute();
}

const bindings = (where: { alias?: string; visitor?: string } = {}) => {
  let q = server.db.selectFrom('email_aliases').selectAll().where('project_id', '=', projectId);
  if (where.alias) q = q.where('alias', '=', where.alias);
  if (where.visitor) q = q.where('visitor_id', '=', where.visitor);
  return q.orderBy('id').execute();
};

/** Moves a visitor's open binding(s) `minutes` into the past, as if it had not asked since. */
const age = (visitor: string, minutes: number) =>
  server.db
    .updateTable('email_aliases')
    .set({ last_seen_at: sql`now() - make_interval(mins => ${minutes}::int)` })
    .where('project_id', '=', projectId)
    .where('visitor_id', '=', visitor)
    .where('valid_to', 'is', null)
    .execute();

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

describe('pool aliases', () => {
  const POOL = ['a1@shop.ru', 'A2@shop.ru', 'a3@shop.ru'];
  beforeEach(() =>
    configure({ public_address: 'info@shop.ru', alias_mode: 'pool', pool_addresses: POOL, hold_minutes: 30 }),
  );

  it('hands out the least recently used free address and keeps it while the visitor is active', async () => {
    const [v1, v2, v3] = [randomId(), randomId(), randomId()];
    // never used ones first, in the configured order (lower-cased)
    expect(await aliasOf(v1)).toBe('a1@shop.ru');
    expect(await aliasOf(v2)).toBe('a2@shop.ru');
    expect(await aliasOf(v1)).toBe('a1@shop.ru');
    // every request refreshes the hold
    await age(v1, 25);
    expect(await aliasOf(v1)).toBe('a1@shop.ru');
    expect(Date.now() - (await bindings({ visitor: v1 }))[0]!.last_seen_at.getTime()).toBeLessThan(30_000);
    expect(await aliasOf(v3)).toBe('a3@shop.ru');
    expect(await bindings({ alias: 'a1@shop.ru' })).toHaveLength(1);

    // v2 goes quiet past the hold, then v1: the next visitor gets the one seen longest ago (v2's)
    await age(v2, 45);
    await age(v1, 40);
    const v4 = randomId();
    expect(await aliasOf(v4)).toBe('a2@shop.ru');
    const a2 = await bindings({ alias: 'a2@shop.ru' });
    expect(a2).toHaveLength(2);
    expect(a2[0]).toMatchObject({ visitor_id: v2 });
    expect(a2[0]!.valid_to).toBeInstanceOf(Date);
    expect(a2[1]).toMatchObject({ visitor_id: v4, valid_to: null });
    // v1 was past the hold too, but nobody took a1 yet: back in time, it keeps it
    expect(await aliasOf(v1)).toBe('a1@shop.ru');
    // v2 lost its address; none is free now
    const back = await ask(v2);
    expect(back.body).toEqual({ address: 'info@shop.ru', alias: 'info@shop.ru' });
  });

  it('LRU: a released address seen long ago goes before one released recently', async () => {
    const vs = [randomId(), randomId(), randomId()];
    for (const v of vs) await aliasOf(v);
    // all three expire; a3's visitor was seen longest ago, then a1's, then a2's
    await age(vs[0]!, 50);
    await age(vs[1]!, 40);
    await age(vs[2]!, 90);
    expect(await aliasOf(randomId())).toBe('a3@shop.ru');
    expect(await aliasOf(randomId())).toBe('a1@shop.ru');
    expect(await aliasOf(randomId())).toBe('a2@shop.ru');
  });

  it('exhausted: the public address while every holder asked within 10 minutes; then the quietest is recycled', async () => {
    const vs = [randomId(), randomId(), randomId()];
    for (const v of vs) await aliasOf(v);
    const late = randomId();
    const r = await ask(late);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ address: 'info@shop.ru', alias: 'info@shop.ru' });
    expect(await bindings({ visitor: late })).toEqual([]);
    // a holder's tracker may show its cached answer for 10 minutes without asking: not reused yet
    await age(vs[0]!, 9);
    expect(await aliasOf(late)).toBe('info@shop.ru');
    // within the 30-minute hold, but the pool is exhausted: the least recently seen goes (a2's)
    await age(vs[0]!, 11);
    await age(vs[1]!, 12);
    expect(await aliasOf(late)).toBe('a2@shop.ru');
    const a2 = await bindings({ alias: 'a2@shop.ru' });
    expect(a2.map((b) => [b.visitor_id, b.valid_to === null])).toEqual([
      [vs[1], false],
      [late, true],
    ]);
  });

  it('the hold is never shorter than the tracker’s 10-minute cache', async () => {
    await configure({
      public_address: 'info@shop.ru',
      alias_mode: 'pool',
      pool_addresses: ['a1@shop.ru'],
      hold_minutes: 2,
    });
    const [v1, v2] = [randomId(), randomId()];
    expect(await aliasOf(v1)).toBe('a1@shop.ru');
    await age(v1, 7); // past the configured 2 minutes, but v1 may still show its cached answer
    expect(await aliasOf(v2)).toBe('info@shop.ru');
    await age(v1, 11);
    expect(await aliasOf(v2)).toBe('a1@shop.ru');
  });

  it('20 concurrent visitors never share an address', async () => {
    const pool = Array.from({ length: 5 }, (_, i) => `p${i}@shop.ru`);
    await configure({
      public_address: 'info@shop.ru',
      alias_mode: 'pool',
      pool_addresses: pool,
      hold_minutes: 30,
    });
    const visitors = Array.from({ length: 20 }, () => randomId());
    const got = await Promise.all(visitors.map((v) => aliasOf(v)));
    const bound = got.filter((a) => a !== 'info@shop.ru');
    expect(bound.sort()).toEqual(pool);
    expect(got.filter((a) => a === 'info@shop.ru')).toHaveLength(15);

    // a bigger pool, everyone at once again (the first five ask again, holding theirs)
    const big = Array.from({ length: 20 }, (_, i) => `p${i}@shop.ru`);
    await server.db
      .updateTable('email_tracking')
      .set({ pool_addresses: big })
      .where('project_id', '=', projectId)
      .execute();
    const again = await Promise.all(visitors.map((v) => aliasOf(v)));
    expect(new Set(again).size).toBe(20);
    expect(again.every((a) => big.includes(a))).toBe(true);
    got.forEach((a, i) => {
      if (a !== 'info@shop.ru') expect(again[i]).toBe(a);
    });
    const { rows } = await sql<{ alias: string; n: number }>`
      select alias, count(*)::int as n from email_aliases
      where project_id = ${projectId} and valid_to is null group by alias having count(*) > 1`.execute(
      server.db,
    );
    expect(rows).toEqual([]);
  });

  it('the release races the visitor coming back: one of them wins, never both', async () => {
    await configure({
      public_address: 'info@shop.ru',
      alias_mode: 'pool',
      pool_addresses: ['a1@shop.ru'],
      hold_minutes: 30,
    });
    for (let round = 0; round < 5; round++) {
      await server.db.deleteFrom('email_aliases').where('project_id', '=', projectId).execute();
      const [owner, rival] = [randomId(), randomId()];
      await aliasOf(owner);
      await age(owner, 31);
      const [a, b] = await Promise.all([aliasOf(owner), aliasOf(rival)]);
      expect([a, b].filter((x) => x === 'a1@shop.ru')).toHaveLength(1);
      const open = await server.db
        .selectFrom('email_aliases')
        .select('visitor_id')
        .where('project_id', '=', projectId)
        .where('valid_to', 'is', null)
        .execute();
      expect(open).toHaveLength(1);
      expect(open[0]!.visitor_id).toBe(a === 'a1@shop.ru' ? owner : rival);
    }
  });
});

describe('pool abuse (issue 10)', () => {
  it('505 requests with invented visitor ids and no Origin bind nothing; a real visitor then gets an address', async () => {
    const pool = Array.from({ length: 500 }, (_, i) => `p${i}@shop.ru`);
    await configure({
      public_address: 'info@shop.ru',
      alias_mode: 'pool',
      pool_addresses: pool,
      hold_minutes: 30,
    });
    const invented = Array.from({ length: 505 }, () => randomId());
    const answers: Answer[] = [];
    for (let i = 0; i < invented.length; i += 25) {
      answers.push(
        ...(await Promise.all(invented.slice(i, i + 25).map((v) => ask(v, { origin: null, visit: false })))),
      );
    }
    expect(answers.every((r) => r.status === 200 && r.body?.alias === 'info@shop.ru')).toBe(true);
    expect(await bindings()).toEqual([]);
    // the real visitor's page view is stored first (the tracker asks after the collector's 204)
    const real = randomId();
    expect(await aliasOf(real)).toBe('p0@shop.ru');
  });

  it('a visitor whose last page view is older than 30 minutes binds nothing', async () => {
    await configure({ public_address: 'info@shop.ru', alias_mode: 'pool', pool_addresses: ['a1@shop.ru'] });
    const v = randomId();
    await visit(v);
    await server.db
      .updateTable('visitors')
      .set({ last_seen_at: sql`now() - interval '31 minutes'` })
      .where('project_id', '=', projectId)
      .where('id', '=', v)
      .execute();
    expect(await aliasOf(v)).toBe('info@shop.ru');
    expect(await bindings()).toEqual([]);
    await visit(v);
    expect(await aliasOf(v)).toBe('a1@shop.ru');
  });

  it('limits new bindings per client address and project: 20 in 10 minutes by default', async () => {
    const pool = Array.from({ length: 30 }, (_, i) => `p${i}@shop.ru`);
    await configure({
      public_address: 'info@shop.ru',
      alias_mode: 'pool',
      pool_addresses: pool,
      hold_minutes: 30,
    });
    const visitors = Array.from({ length: 25 }, () => randomId());
    for (const v of visitors) await visit(v);
    const got = await Promise.all(visitors.map((v) => aliasOf(v)));
    expect(got.filter((a) => a !== 'info@shop.ru')).toHaveLength(20);
    expect(await bindings()).toHaveLength(20);
    expect((await bindings())[0]?.ip).toBe('127.0.0.1');
    // the bound keep theirs; the limit is on new bindings only
    const bound = visitors.filter((_, i) => got[i] !== 'info@shop.ru');
    expect(await aliasOf(bound[0]!)).toBe(got[visitors.indexOf(bound[0]!)]);
    // the window slides: bindings made over 10 minutes ago no longer count
    await server.db
      .updateTable('email_aliases')
      .set({ valid_from: sql`valid_from - interval '11 minutes'` })
      .where('project_id', '=', projectId)
      .execute();
    const waiting = visitors.find((_, i) => got[i] === 'info@shop.ru')!;
    expect(await aliasOf(waiting)).not.toBe('info@shop.ru');
  });

  it('exhausted: the least recently active binding is recycled and letters follow the time ranges', async () => {
    await configure({
      public_address: 'info@shop.ru',
      alias_mode: 'pool',
      pool_addresses: ['a1@shop.ru', 'a2@shop.ru'],
      hold_minutes: 60,
    });
    const [v1, v2, v3] = [randomId(), randomId(), randomId()];
    expect(await aliasOf(v1)).toBe('a1@shop.ru');
    expect(await aliasOf(v2)).toBe('a2@shop.ru');
    await age(v1, 20);
    await age(v2, 15);
    const before = new Date();
    expect(await aliasOf(v3)).toBe('a1@shop.ru');
    const after = new Date(Date.now() + 1000);
    const a1 = await bindings({ alias: 'a1@shop.ru' });
    expect(a1).toHaveLength(2);
    expect(a1[0]).toMatchObject({ visitor_id: v1 });
    expect(a1[0]!.valid_to!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(a1[1]).toMatchObject({ visitor_id: v3, valid_to: null });
    // a letter written to a1 before the recycling is v1's, one written after is v3's
    expect(await visitorForAlias(server.db, projectId, 'a1@shop.ru', before)).toBe(v1);
    expect(await visitorForAlias(server.db, projectId, 'a1@shop.ru', after)).toBe(v3);
    // v2 keeps a2; v1, back on the site, gets the quietest one left (v2's is 15 minutes quiet)
    await visit(v1);
    expect(await aliasOf(v1)).toBe('a2@shop.ru');
    expect(await visitorForAlias(server.db, projectId, 'a2@shop.ru', before)).toBe(v2);
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

describe('address helpers', () => {
  it('splits an address at the last @ and reads plus tokens', () => {
    expect(splitAddress(' Info@Shop.RU ')).toEqual({ local: 'info', domain: 'shop.ru' });
    expect(splitAddress('"a@b"@shop.ru')).toEqual({ local: '"a@b"', domain: 'shop.ru' });
    for (const bad of ['', 'info', '@shop.ru', 'info@', 'in fo@shop.ru'])
      expect(splitAddress(bad)).toBeNull();
    expect(plusToken('info+k7f3x1@shop.ru')).toBe('k7f3x1');
    expect(plusToken('info+site+K7F3X1@shop.ru')).toBe('k7f3x1');
    expect(plusToken('info@shop.ru')).toBeNull();
    expect(plusToken('info+a@shop.ru')).toBeNull();
  });
});
