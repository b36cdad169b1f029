// AmoClient against the fake: errors and tokens.
import { describe, expect, it } from 'vitest';
import { startFakeAmo } from '../../fakes/amocrm/server.js';
import {
  AmoClient,
  type AmoError,
  type AmoTokenSource,
  type AmoTokens,
  exchangeAuthorizationCode,
  fieldValue,
  refreshAccessToken,
} from '../../src/integrations/amocrm/client.js';
import { until } from '../helpers/until.js';
import {
  amo,
  amoError,
  CountingGate,
  client,
  clientWith,
  control,
  fault,
  fixedTokens,
  oauthOf,
  RefreshingTokens,
  requestsSince,
  setUpAmoClient,
} from './amocrm-client-fixtures.js';

setUpAmoClient();

describe('AmoClient against the fake amoCRM', () => {
  describe('errors', () => {
    it('maps a validation error to words: which item, which field, what is wrong', async () => {
      const e = await amoError(
        client.createLeads([{ name: 'ok' }, { name: 'плохая', custom_fields_values: [fieldValue(1, 'x')] }]),
      );
      expect(e).toMatchObject({ kind: 'validation', status: 400, retryable: false });
      expect(e.detail).toContain('item "1"');
      expect(e.detail).toContain('field custom_fields_values.0.field_id');
      expect(e.detail).toContain('The value you selected is not a valid choice.');
      expect(e.fieldErrors).toEqual([
        {
          requestId: '1',
          path: 'custom_fields_values.0.field_id',
          code: 'NotSupportedChoice',
          message: 'The value you selected is not a valid choice.',
        },
      ]);
      expect(e.message).toContain('POST /api/v4/leads');
    });

    it('a chunked write that fails later reports what earlier chunks applied', async () => {
      const items = Array.from({ length: 60 }, (_, i) =>
        i === 55 ? { name: 'плохая', price: -1 } : { name: `Партия ${i}` },
      );
      const e = await amoError(client.createLeads(items));
      expect(e.kind).toBe('validation');
      expect(e.detail).toContain('item "55": field price');
      expect(e.applied).toHaveLength(50);
      const first = e.applied?.[0];
      expect(typeof first === 'number' && amo.state.leads.find((l) => l.id === first)?.name).toBe('Партия 0');
    });

    it('402: writes refused, not retryable; reads still work', async () => {
      await fault(amo, { op: 'paymentRequired', on: true });
      const e = await amoError(client.createContacts([{ name: 'Неоплаченный' }]));
      expect(e).toMatchObject({ kind: 'payment', status: 402, retryable: false });
      expect((await client.account()).id).toBe(31_415_926);
    });

    it('403 HTML (account blocked) is forbidden and not retryable', async () => {
      await fault(amo, { op: 'failNext', status: 403, pathPrefix: '/api/v4/account' });
      const e = await amoError(client.account());
      expect(e).toMatchObject({ kind: 'forbidden', status: 403, retryable: false });
      expect(e.detail).toContain('403 Forbidden');
      expect(e.detail).toContain('blocked');

      await fault(amo, { op: 'block' });
      expect((await amoError(client.pipelines())).kind).toBe('forbidden');
    });

    it('429 with an HTML body is rate_limited and retryable', async () => {
      await fault(amo, { op: 'failNext', status: 429 });
      const e = await amoError(client.findContacts('petr'));
      expect(e).toMatchObject({ kind: 'rate_limited', status: 429, retryable: true });
      expect(e.detail).toContain('429 Too Many Requests');
    });

    it('5xx (problem JSON or gateway HTML) is server and retryable', async () => {
      await fault(amo, [
        { op: 'failNext', status: 500 },
        { op: 'failNext', status: 504 },
      ]);
      const e500 = await amoError(client.account());
      expect(e500).toMatchObject({ kind: 'server', status: 500, retryable: true });
      expect(e500.detail).toContain('Injected fault');
      const e504 = await amoError(client.users());
      expect(e504).toMatchObject({ kind: 'server', status: 504, retryable: true });
      expect(e504.detail).toContain('504 Gateway Time-out');
    });

    it('a slow answer times out: timeout, retryable', async () => {
      const impatient = clientWith({ timeoutMs: 150 });
      await fault(amo, { op: 'delay', ms: 600 });
      const mark = amo.state.requestLog.length;
      const e = await amoError(impatient.account());
      expect(e).toMatchObject({ kind: 'timeout', retryable: true });
      expect(e.status).toBeUndefined();
      // The fake still answers (to nobody) after its delay: let it, so its log entry does not
      // land in a later test's count.
      await until(
        'the delayed answer in the log',
        () => requestsSince(amo, mark, 'GET', '/api/v4/account').length,
        {
          timeout: 2_500,
          interval: 50,
        },
      );
    });

    it('a write whose answer never comes is a retryable timeout, though it was applied', async () => {
      const impatient = clientWith({ timeoutMs: 300 });
      await fault(amo, { op: 'timeoutAfterWrite', count: 1, mode: 'hang' });
      const e = await amoError(impatient.createLeads([{ name: 'Зависшая запись' }]));
      expect(e).toMatchObject({ kind: 'timeout', retryable: true });
      expect(e.detail).toContain('may have been applied');
      expect(amo.state.leads.filter((l) => l.name === 'Зависшая запись')).toHaveLength(1);
    });

    it('a dropped connection is network, retryable', async () => {
      await fault(amo, { op: 'timeoutAfterWrite', count: 1, mode: 'destroy' });
      const e = await amoError(client.createLeads([{ name: 'Оборванная запись' }]));
      expect(e).toMatchObject({ kind: 'network', retryable: true });
      expect(e.status).toBeUndefined();
    });

    it('an answer of the wrong shape is bad_response', async () => {
      const lying = clientWith({
        fetch: async () => new Response(JSON.stringify({ id: 'not a number' }), { status: 200 }),
      });
      const e = await amoError(lying.account());
      expect(e).toMatchObject({ kind: 'bad_response', retryable: false });
      expect(e.detail).toContain('id');
      const notJson = clientWith({ fetch: async () => new Response('<html></html>', { status: 200 }) });
      expect((await amoError(notJson.account())).kind).toBe('bad_response');
    });

    it('the real rate limiter of the fake surfaces as rate_limited', async () => {
      const strict = await startFakeAmo({ rateLimitPerSecond: 2, blockAfterViolations: 1_000 });
      try {
        const c = new AmoClient({
          fetch,
          baseUrl: strict.url,
          tokens: fixedTokens(strict.issueLongLivedToken()),
        });
        const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => c.account()));
        const rejected = outcomes.filter((o) => o.status === 'rejected');
        expect(rejected.length).toBeGreaterThan(0);
        for (const o of rejected) expect((o.reason as AmoError).kind).toBe('rate_limited');
      } finally {
        await strict.close();
      }
    });
  });

  describe('tokens', () => {
    async function oauthTokens(): Promise<AmoTokens> {
      const { code } = (await control(amo, 'oauth/code', {})) as { code: string };
      return exchangeAuthorizationCode({ fetch, ...oauthOf(amo), code });
    }

    it('exchanges a code and refreshes: rotating pairs', async () => {
      const first = await oauthTokens();
      expect(first).toMatchObject({ tokenType: 'Bearer', expiresIn: 86_400 });
      const second = await refreshAccessToken({ fetch, ...oauthOf(amo), refreshToken: first.refreshToken });
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.accessToken).not.toBe(first.accessToken);

      const spent = await amoError(
        refreshAccessToken({ fetch, ...oauthOf(amo), refreshToken: first.refreshToken }),
      );
      expect(spent).toMatchObject({ kind: 'auth', status: 401, retryable: false });
      expect(spent.detail).toContain('Token has been revoked');
      expect(spent.message).not.toContain(first.refreshToken);

      const wrongSecret = await amoError(
        exchangeAuthorizationCode({ fetch, ...oauthOf(amo), clientSecret: 'nope', code: 'def502' }),
      );
      expect(wrongSecret).toMatchObject({ kind: 'auth', retryable: false });
      const unreachable = await amoError(
        refreshAccessToken({ fetch, ...oauthOf(amo), baseUrl: 'http://127.0.0.1:1', refreshToken: 'x' }),
      );
      expect(unreachable).toMatchObject({ kind: 'network', retryable: true });
    });

    it('after a 401 renews the token once and retries the request once', async () => {
      const tokens = new RefreshingTokens(amo, await oauthTokens());
      const oauthGate = new CountingGate();
      const c = new AmoClient({ fetch, baseUrl: amo.url, tokens, gate: oauthGate });
      expect((await c.account()).id).toBe(31_415_926);
      const expired = tokens.current.accessToken;
      const refreshes = amo.state.refreshCount;

      await fault(amo, { op: 'expireAccessTokens' });
      const mark = amo.state.requestLog.length;
      const gateBefore = oauthGate.calls;
      expect((await c.account()).id).toBe(31_415_926);
      expect(tokens.renewed).toEqual([expired]);
      expect(amo.state.refreshCount).toBe(refreshes + 1);
      expect(requestsSince(amo, mark, 'GET', '/api/v4/account').map((r) => r.status)).toEqual([401, 200]);
      // the gate sees both API requests (the refresh grant goes through the token source)
      expect(oauthGate.calls - gateBefore).toBe(2);
    });

    it('a second 401 is auth, not retryable, and keeps the token out of the error', async () => {
      const stale = (await oauthTokens()).accessToken;
      // renew hands back the same dead token, as a token store that did not see a refresh would
      const stubborn: AmoTokenSource & { renewed: string[] } = {
        renewed: [],
        get: async () => stale,
        renew: async (failed) => {
          stubborn.renewed.push(failed);
          return stale;
        },
      };
      await fault(amo, { op: 'expireAccessTokens' });
      const mark = amo.state.requestLog.length;
      const e = await amoError(new AmoClient({ fetch, baseUrl: amo.url, tokens: stubborn }).account());
      expect(e).toMatchObject({ kind: 'auth', status: 401, retryable: false });
      expect(stubborn.renewed).toEqual([stale]);
      expect(requestsSince(amo, mark, 'GET', '/api/v4/account')).toHaveLength(2);
      const everything = `${e.message} ${e.detail} ${String(e.stack)} ${JSON.stringify(e)}`;
      expect(everything).not.toContain(stale);
      expect(everything).not.toContain(stale.slice(0, 40));
    });

    it('a renewal that fails is auth (or its own AmoError), without a second request', async () => {
      const dead = new RefreshingTokens(amo, await oauthTokens());
      await fault(amo, { op: 'expireAccessTokens' });
      // spend the refresh token elsewhere: the client's renew then meets "Token has been revoked"
      await refreshAccessToken({ fetch, ...oauthOf(amo), refreshToken: dead.current.refreshToken });
      let mark = amo.state.requestLog.length;
      const e = await amoError(new AmoClient({ fetch, baseUrl: amo.url, tokens: dead }).account());
      expect(requestsSince(amo, mark, 'GET', '/api/v4/account')).toHaveLength(1);
      expect(e).toMatchObject({ kind: 'auth', retryable: false });
      expect(e.detail).toContain('Token has been revoked');

      const broken: AmoTokenSource = {
        get: async () => dead.current.accessToken,
        renew: async () => {
          throw new Error('token store unavailable');
        },
      };
      mark = amo.state.requestLog.length;
      const e2 = await amoError(new AmoClient({ fetch, baseUrl: amo.url, tokens: broken }).account());
      expect(requestsSince(amo, mark, 'GET', '/api/v4/account')).toHaveLength(1);
      expect(e2).toMatchObject({ kind: 'auth', status: 401, retryable: false });
      expect((e2.cause as Error).message).toBe('token store unavailable');
    });
  });
});
