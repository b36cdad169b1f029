// Pool aliases: least recently used addresses, holds, races, and abuse of the pool.
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { visitorForAlias } from '../../src/email/aliases.js';
import { randomId } from '../helpers/collect.js';
import {
  type Answer,
  age,
  aliasOf,
  ask,
  bindings,
  configure,
  projectId,
  server,
  setUpAliasProjects,
  visit,
} from './alias-fixtures.js';

setUpAliasProjects();

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
