import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAmo, startFakeAmo } from '../../fakes/amocrm/server.js';
import { createDb, type Db } from '../../src/db/connection.js';
import { createRateGate, type RateGate } from '../../src/delivery/rate-gate.js';
import type { AmoRateGate } from '../../src/integrations/amocrm/client.js';
import { AmoClient, AmoError } from '../../src/integrations/amocrm/client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { until } from '../helpers/until.js';

/** The most acquisitions inside any half-open 1-second window. */
function maxPerSecond(stamps: readonly number[]): number {
  const s = [...stamps].sort((a, b) => a - b);
  let best = 0;
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    while (s[i]! - s[j]! >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** `n` acquisitions spread over the gates, all started at once; the times they were let through. */
async function burstOf(gates: readonly RateGate[], n: number): Promise<number[]> {
  const stamps: number[] = [];
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      await gates[i % gates.length]!.acquire();
      stamps.push(performance.now());
    }),
  );
  return stamps;
}

let database: TestDatabase;
/** a second pool on the same database: another worker process as far as PostgreSQL can tell */
let other: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  other = createDb(database.url, 5).db;
});

afterAll(async () => {
  await other?.destroy();
  await database?.drop();
});

describe('rate gate', () => {
  it('is an AmoRateGate', () => {
    const gate: AmoRateGate = createRateGate(database.db, 'type-check', { perSecond: 7 });
    expect(typeof gate.acquire).toBe('function');
  });

  it('two processes on one key together stay under 7 per second', { timeout: 60_000 }, async () => {
    const burst = 1;
    const gates = [
      createRateGate(database.db, 'amocrm:shared', { perSecond: 7 }),
      createRateGate(other, 'amocrm:shared', { perSecond: 7 }),
    ];
    const started = performance.now();
    const stamps = await burstOf(gates, 40);
    const elapsed = (performance.now() - started) / 1000;
    expect(stamps).toHaveLength(40);
    expect(elapsed).toBeGreaterThanOrEqual((40 - burst) / 7);
    expect(maxPerSecond(stamps)).toBeLessThanOrEqual(7);
  });

  it('keeps the fake amoCRM from answering 429', { timeout: 60_000 }, async () => {
    const amo: FakeAmo = await startFakeAmo();
    try {
      const token = amo.issueLongLivedToken();
      const tokens = { get: async () => token, renew: async () => token };
      const clients = [database.db, other].map(
        (db) =>
          new AmoClient({
            fetch,
            baseUrl: amo.url,
            tokens,
            gate: createRateGate(db, 'amocrm:fake-account', { perSecond: 7 }),
          }),
      );
      const outcomes = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          clients[i % 2]!.account().then(
            () => 'ok',
            (e: unknown) => (e instanceof AmoError ? e.kind : 'other'),
          ),
        ),
      );
      expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
      expect(amo.rateLimiter.limitedCount).toBe(0);
      expect(amo.state.requests.filter((r) => r.path === '/api/v4/account')).toHaveLength(60);
    } finally {
      await amo.close();
    }
  });

  it('does not let one key throttle another', { timeout: 30_000 }, async () => {
    const a = createRateGate(database.db, 'amocrm:a', { perSecond: 7 });
    const aElsewhere = createRateGate(other, 'amocrm:a', { perSecond: 7 });
    const b = createRateGate(other, 'amocrm:b', { perSecond: 7 });
    // Key a gets booked about two seconds ahead.
    const queued = burstOf([a], 14);
    await until(
      'key a booked two seconds ahead',
      async () => {
        const row = await database.db
          .selectFrom('rate_buckets')
          .select('tokens')
          .where('key', '=', 'amocrm:a')
          .executeTakeFirst();
        return row !== undefined && row.tokens <= -12;
      },
      { timeout: 2_000, interval: 5 },
    );

    let t = performance.now();
    await b.acquire();
    const bWaited = performance.now() - t;

    t = performance.now();
    await aElsewhere.acquire();
    const aWaited = performance.now() - t;
    await queued;

    expect(bWaited).toBeLessThan(100);
    expect(aWaited).toBeGreaterThan(1500);
  });

  it('rejects settings that would break the per-second limit', () => {
    expect(() => createRateGate(database.db, 'x', { perSecond: 7, burst: 8 })).toThrow(/burst/);
    expect(() => createRateGate(database.db, 'x', { perSecond: 0 })).toThrow(/perSecond/);
    expect(() => createRateGate(database.db, 'x', { perSecond: 7, headroom: 1 })).toThrow(/headroom/);
  });
});
