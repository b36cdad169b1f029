import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAmo, startFakeAmo } from '../../fakes/amocrm/server.js';
import { amo, api, arr, call, obj, setUpFakeAmo, token } from './amocrm-fixtures.js';

setUpFakeAmo();

describe('fake amoCRM API v4', () => {
  describe('faults', () => {
    it('failNext answers the injected status once, then recovers', async () => {
      amo.faults.failNext(1, { status: 500 });
      const failed = await api('GET', '/api/v4/account');
      expect(failed.status).toBe(500);
      expect((await api('GET', '/api/v4/account')).status).toBe(200);
      amo.faults.failNext(1, { status: 504 });
      const gw = await api('GET', '/api/v4/leads');
      expect(gw.status).toBe(504);
      expect(gw.headers.get('content-type')).toBe('text/html');
    });

    it('paymentRequired: writes 402, reads 200', async () => {
      amo.faults.paymentRequired(true);
      try {
        expect((await api('POST', '/api/v4/leads', [{ name: 'x' }])).status).toBe(402);
        expect((await api('GET', '/api/v4/account')).status).toBe(200);
      } finally {
        amo.faults.paymentRequired(false);
      }
    });

    it('timeoutAfterWrite applies the write and then drops the connection', async () => {
      amo.faults.timeoutAfterWrite(1);
      const name = `timeout-${Date.now()}`;
      await expect(api('POST', '/api/v4/leads', [{ name }])).rejects.toThrow();
      expect(amo.state.leads.filter((l) => l.name === name)).toHaveLength(1);
      expect(amo.state.requestLog.at(-1)).toMatchObject({
        status: 0,
        outcome: 'timeout-after-write:destroy',
      });

      amo.faults.timeoutAfterWrite({ count: 1 }, 'hang');
      const hung = `hang-${Date.now()}`;
      await expect(
        call(amo, 'POST', '/api/v4/leads', {
          body: [{ name: hung }],
          token,
          signal: AbortSignal.timeout(300),
        }),
      ).rejects.toThrow();
      expect(amo.state.leads.filter((l) => l.name === hung)).toHaveLength(1);
      expect((await api('GET', '/api/v4/account')).status).toBe(200);
    });

    it('failRandom is deterministic for a seed', async () => {
      const run = async () => {
        amo.faults.failRandom(0.5, [502, 503], 7);
        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) statuses.push((await api('GET', '/api/v4/account')).status);
        amo.faults.reset();
        return statuses;
      };
      const a = await run();
      expect(await run()).toEqual(a);
      expect(a.some((s) => s !== 200)).toBe(true);
    });

    it('is drivable over /__fake', async () => {
      const r = await call(amo, 'POST', '/__fake/faults', {
        body: { op: 'failNext', count: 1, status: 503 },
      });
      expect(r.status).toBe(200);
      expect((await api('GET', '/api/v4/account')).status).toBe(503);
      const dump = obj((await call(amo, 'GET', '/__fake/state')).body);
      expect(arr(dump.leads).length).toBeGreaterThan(0);
      expect(obj(dump.oauth).refresh_count).toBe(amo.state.refreshCount);
    });
  });
});

describe('fake amoCRM rate limits', () => {
  /** a fake of its own, with a low limit */
  let strict: FakeAmo;
  beforeAll(async () => {
    strict = await startFakeAmo({ rateLimitPerSecond: 3, blockAfterViolations: 5 });
  });
  afterAll(async () => {
    await strict.close();
  });

  it('answers 429 with a non-JSON body and no Retry-After, then blocks the account with 403 HTML', async () => {
    const strictToken = strict.issueLongLivedToken();
    const burst = await Promise.all(
      Array.from({ length: 6 }, () => call(strict, 'GET', '/api/v4/account', { token: strictToken })),
    );
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(burst.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    for (const r of limited) {
      expect(r.headers.get('retry-after')).toBeNull();
      expect(r.headers.get('content-type')).toBe('text/html');
      expect(() => JSON.parse(r.text)).toThrow();
    }
    // keep hammering: the account gets blocked, and stays blocked even after a pause
    await Promise.all(
      Array.from({ length: 10 }, () => call(strict, 'GET', '/api/v4/account', { token: strictToken })),
    );
    await new Promise((r) => setTimeout(r, 400));
    const blocked = await call(strict, 'GET', '/api/v4/account', { token: strictToken });
    expect(blocked.status).toBe(403);
    expect(blocked.text).toContain('403 Forbidden');
    expect(blocked.headers.get('content-type')).toBe('text/html');
    strict.faults.unblock();
    expect((await call(strict, 'GET', '/api/v4/account', { token: strictToken })).status).toBe(200);
  });
});
