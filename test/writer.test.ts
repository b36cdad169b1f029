import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connection.js';
import { createLogger } from '../src/logger.js';
import type { EnrichedEvent } from '../src/tracking/events.js';
import { DIRECT } from '../src/tracking/traffic-source.js';
import { BufferFullError, EventWriter } from '../src/tracking/writer.js';
import { signUp } from './helpers/client.js';
import { randomId } from './helpers/collect.js';
import { startTestServer, type TestServer } from './helpers/server.js';

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
});
