import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connection.js';
import { createLogger } from '../src/logger.js';
import type { EnrichedEvent } from '../src/tracking/events.js';
import { VISIT_IDLE_MS } from '../src/tracking/sessionise.js';
import { type Classified, DIRECT } from '../src/tracking/traffic-source.js';
import { BufferFullError, EventDataError, EventWriter, writeEvents } from '../src/tracking/writer.js';
import { signUp } from './helpers/client.js';
import { randomId } from './helpers/collect.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { touch } from './helpers/touch.js';

const logger = createLogger({ logLevel: 'silent' });
let server: TestServer;
let db: Db;
let projectId: string;

beforeAll(async () => {
  server = await startTestServer();
  db = server.db;
  const { client } = await signUp(server.url);
  projectId = (
    await client.post<{ id: string }>('/api/v1/projects', { name: 'Пишущий', domains: ['writer.ru'] })
  ).body.id;
});
afterAll(() => server?.close());

function event(over: Partial<EnrichedEvent> = {}): EnrichedEvent {
  return {
    projectId,
    project: {
      id: projectId,
      phoneRegion: 'RU',
      duplicateWindowMinutes: 60,
      attributionModel: 'last_non_direct',
      language: 'ru',
    },
    eid: randomId(),
    type: 'pageview',
    visitorId: randomId(18),
    receivedAt: new Date(),
    clientAt: null,
    url: 'https://writer.ru/',
    referrer: null,
    traffic: { kind: 'touch', touch: { ...DIRECT } },
    gaClientId: null,
    ymClientId: null,
    ip: null,
    geo: { city: null, country: null },
    device: { browser: 'Chrome 131', device: 'desktop', os: 'Windows 10' },
    lead: null,
    ...over,
  };
}

const hitsOf = async (visitorIds: string[]) =>
  Number(
    (
      await db
        .selectFrom('hits')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('visitor_id', 'in', visitorIds)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('the collector’s group-commit writer', () => {
  it('writes concurrent events in far fewer transactions than events, and every one durably', async () => {
    const writer = new EventWriter(db, logger);
    const events = Array.from({ length: 400 }, () => event());
    await Promise.all(events.map((e) => writer.submit(e)));
    expect(writer.stats.events).toBe(400);
    expect(writer.stats.batches).toBeLessThan(50);
    expect(await hitsOf(events.map((e) => e.visitorId))).toBe(400);
  });

  it('refuses (does not drop) events beyond its buffer, and writes all it accepted', async () => {
    const writer = new EventWriter(db, logger, { maxBuffered: 20, maxBatch: 10 });
    const events = Array.from({ length: 60 }, () => event());
    const results = await Promise.allSettled(events.map((e) => writer.submit(e)));
    const accepted = events.filter((_, i) => results[i]?.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.status === 'rejected' && r.reason instanceof BufferFullError)).toBe(true);
    expect(accepted.length + refused.length).toBe(60);
    expect(await hitsOf(accepted.map((e) => e.visitorId))).toBe(accepted.length);
    expect(await hitsOf(events.filter((e) => !accepted.includes(e)).map((e) => e.visitorId))).toBe(0);
  });

  it('writes the good events of a batch that holds one that cannot be written', async () => {
    const writer = new EventWriter(db, logger);
    const good = Array.from({ length: 5 }, () => event());
    const bad = event({ projectId: randomUUID() }); // no such project: the foreign key refuses it
    const results = await Promise.allSettled([...good, bad].map((e) => writer.submit(e)));
    expect(results.slice(0, 5).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(results[5]?.status).toBe('rejected');
    expect(await hitsOf(good.map((e) => e.visitorId))).toBe(5);
  });

  it('tells an event whose values the database refuses (22P05) from back-pressure, and writes its batch mates', async () => {
    const writer = new EventWriter(db, logger);
    const good = Array.from({ length: 5 }, () => event());
    // past validation (which removes it) U+0000 would fail the whole batch, then this event alone
    const bad = event({ url: 'https://writer.ru/\u0000' });
    const results = await Promise.allSettled([...good, bad].map((e) => writer.submit(e)));
    expect(results.slice(0, 5).every((r) => r.status === 'fulfilled')).toBe(true);
    const refused = results[5];
    expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(EventDataError);
    expect(await hitsOf(good.map((e) => e.visitorId))).toBe(5);
  });

  it('opens one visit when two processes write the same visitor’s first hits at once', async () => {
    const a = new EventWriter(db, logger);
    const b = new EventWriter(db, logger);
    const visitorId = randomId(18);
    const at = new Date();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).submit(event({ visitorId, receivedAt: new Date(at.getTime() + i) })),
      ),
    );
    const visits = await db.selectFrom('visits').selectAll().where('visitor_id', '=', visitorId).execute();
    expect(visits).toHaveLength(1);
    expect(visits[0]?.hits).toBe(20);
  });

  it('acknowledges a resent event without a second hit, also within one batch', async () => {
    const writer = new EventWriter(db, logger);
    const e = event();
    await Promise.all([writer.submit(e), writer.submit({ ...e }), writer.submit({ ...e })]);
    await writer.submit({ ...e });
    expect(await hitsOf([e.visitorId])).toBe(1);
  });

  it('writes the new events of a batch that also holds resent ones', async () => {
    const visitorId = randomId(18);
    const first = event({ visitorId });
    await writeEvents(db, [first]);
    const next = event({ visitorId, receivedAt: new Date(first.receivedAt.getTime() + 1000) });
    await writeEvents(db, [{ ...first }, next, event({ visitorId: randomId(18) })]);
    expect(await hitsOf([visitorId])).toBe(2);
    const visit = await db
      .selectFrom('visits')
      .selectAll()
      .where('visitor_id', '=', visitorId)
      .executeTakeFirstOrThrow();
    expect(visit.hits).toBe(2);
  });
});

const continuation: Classified = { kind: 'continuation' };
const yandex = touch('yandex', 'cpc', {
  campaign: 'весна',
  term: 'купить диван',
  clickId: { type: 'yclid', value: '123' },
});

/**
 * Writes one visitor's hits, one batch each (or all in one batch), and returns the visits in
 * order with the visit of each hit. Sessionising happens in the batch function in the database.
 */
async function visitsAfter(hits: Array<[ms: number, traffic: Classified]>, oneBatch = false) {
  const visitorId = randomId(18);
  const t0 = Date.parse('2026-11-24T10:00:00+03:00');
  const events = hits.map(([ms, traffic]) => event({ visitorId, traffic, receivedAt: new Date(t0 + ms) }));
  if (oneBatch) await writeEvents(db, events);
  else for (const e of events) await writeEvents(db, [e]);
  const visits = await db
    .selectFrom('visits')
    .selectAll()
    .where('visitor_id', '=', visitorId)
    .orderBy('started_at')
    .execute();
  const hitVisits = await db
    .selectFrom('hits')
    .select(['visit_id', 'received_at'])
    .where('visitor_id', '=', visitorId)
    .orderBy('received_at')
    .execute();
  const index = hitVisits.map((h) => visits.findIndex((v) => v.id === h.visit_id));
  return { visits, index };
}

describe('sessionising (in the batch function)', () => {
  for (const oneBatch of [false, true]) {
    const how = oneBatch ? 'all hits in one batch' : 'a batch per hit';
    it(`opens the first visit with the hit’s source, or direct for an internal one (${how})`, async () => {
      const a = await visitsAfter([[0, yandex]], oneBatch);
      expect(a.visits).toHaveLength(1);
      expect(a.visits[0]).toMatchObject({
        source: 'yandex',
        medium: 'cpc',
        campaign: 'весна',
        term: 'купить диван',
        click_id_type: 'yclid',
        click_id: '123',
        hits: 1,
      });
      const b = await visitsAfter([[0, continuation]], oneBatch);
      expect(b.visits[0]).toMatchObject({ source: '(direct)', medium: '(none)' });
    });

    it(`continues the visit for internal pages, the same source and typed-in addresses (${how})`, async () => {
      const { visits, index } = await visitsAfter(
        [
          [0, yandex],
          [60_000, continuation],
          [120_000, yandex],
          [180_000, { kind: 'touch', touch: { ...DIRECT } }],
        ],
        oneBatch,
      );
      expect(visits).toHaveLength(1);
      expect(visits[0]?.hits).toBe(4);
      expect(index).toEqual([0, 0, 0, 0]);
    });

    it(`opens a new visit on another source, even another campaign of the same source (${how})`, async () => {
      const { visits, index } = await visitsAfter(
        [
          [0, yandex],
          [1000, touch('google', 'organic')],
          [2000, continuation],
          [3000, touch('yandex', 'cpc', { campaign: 'осень' })],
        ],
        oneBatch,
      );
      expect(visits.map((v) => `${v.source}/${v.medium}/${v.campaign ?? ''}`)).toEqual([
        'yandex/cpc/весна',
        'google/organic/',
        'yandex/cpc/осень',
      ]);
      expect(index).toEqual([0, 1, 1, 2]);
      expect(visits.map((v) => v.hits)).toEqual([1, 2, 1]);
    });

    it(`opens a new visit after 30 minutes idle: direct if nothing says otherwise (${how})`, async () => {
      const { visits, index } = await visitsAfter(
        [
          [0, yandex],
          [VISIT_IDLE_MS, continuation],
          [2 * VISIT_IDLE_MS + 1, continuation],
          [3 * VISIT_IDLE_MS + 2, yandex],
        ],
        oneBatch,
      );
      expect(visits.map((v) => v.source)).toEqual(['yandex', '(direct)', 'yandex']);
      expect(index).toEqual([0, 0, 1, 2]);
    });
  }

  it('keeps the visitor’s state: last seen, current visit, and the enrichment of its latest hit', async () => {
    const visitorId = randomId(18);
    const at = new Date('2026-11-24T12:00:00+03:00');
    await writeEvents(db, [
      event({ visitorId, receivedAt: at, traffic: yandex, gaClientId: '1234567890.1234567890' }),
      event({
        visitorId,
        receivedAt: new Date(at.getTime() + 5000),
        traffic: continuation,
        ip: '95.173.136.70',
        geo: { city: { ru: 'Москва', en: 'Moscow' }, country: { code: 'RU', ru: 'Россия', en: 'Russia' } },
      }),
    ]);
    const v = await db
      .selectFrom('visitors')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', visitorId)
      .executeTakeFirstOrThrow();
    const visit = await db
      .selectFrom('visits')
      .selectAll()
      .where('visitor_id', '=', visitorId)
      .executeTakeFirstOrThrow();
    expect(v).toMatchObject({
      current_visit_id: visit.id,
      ga_client_id: '1234567890.1234567890',
      ip: '95.173.136.70',
      city_ru: 'Москва',
      country_en: 'Russia',
    });
    expect(v.last_seen_at.toISOString()).toBe(new Date(at.getTime() + 5000).toISOString());
    expect(visit.last_hit_at.toISOString()).toBe(new Date(at.getTime() + 5000).toISOString());
  });
});
