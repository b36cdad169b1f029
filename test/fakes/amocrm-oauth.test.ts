import { describe, expect, it } from 'vitest';
import { amo, api, call, obj, setUpFakeAmo } from './amocrm-fixtures.js';

setUpFakeAmo();

describe('fake amoCRM API v4', () => {
  describe('OAuth', () => {
    const grant = (extra: Record<string, string>) => ({
      client_id: amo.clientId,
      client_secret: amo.clientSecret,
      redirect_uri: amo.redirectUri,
      ...extra,
    });

    it('exchanges a code, rotates refresh tokens and refuses a spent one', async () => {
      const first = await call(amo, 'POST', '/oauth2/access_token', {
        body: grant({ grant_type: 'authorization_code', code: amo.authorizationCode() }),
      });
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toContain('application/json');
      const t1 = obj(first.body);
      expect(t1).toMatchObject({ token_type: 'Bearer', expires_in: 86400 });
      expect(typeof t1.access_token).toBe('string');
      expect(String(t1.access_token).split('.')).toHaveLength(3);
      expect((await call(amo, 'GET', '/api/v4/account', { token: String(t1.access_token) })).status).toBe(
        200,
      );

      const before = amo.state.refreshCount;
      // form-encoded, as league/oauth2-client sends it
      const second = await call(amo, 'POST', '/oauth2/access_token', {
        form: grant({ grant_type: 'refresh_token', refresh_token: String(t1.refresh_token) }),
      });
      expect(second.status).toBe(200);
      const t2 = obj(second.body);
      expect(t2.refresh_token).not.toBe(t1.refresh_token);
      expect(t2.access_token).not.toBe(t1.access_token);
      expect(amo.state.refreshCount).toBe(before + 1);

      const reused = await call(amo, 'POST', '/oauth2/access_token', {
        body: grant({ grant_type: 'refresh_token', refresh_token: String(t1.refresh_token) }),
      });
      expect(reused.status).toBe(401);
      expect(obj(reused.body)).toMatchObject({
        hint: 'Token has been revoked',
        type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson',
        status: 401,
      });
      // the old access token died with its refresh token; the new one works
      expect((await call(amo, 'GET', '/api/v4/account', { token: String(t1.access_token) })).status).toBe(
        401,
      );
      expect((await call(amo, 'GET', '/api/v4/account', { token: String(t2.access_token) })).status).toBe(
        200,
      );
      expect(amo.state.refreshCount).toBe(before + 1);
    });

    it('lets exactly one of two racing refreshes win', async () => {
      const tokens = obj(
        (
          await call(amo, 'POST', '/oauth2/access_token', {
            body: grant({ grant_type: 'authorization_code', code: amo.authorizationCode() }),
          })
        ).body,
      );
      const before = amo.state.refreshCount;
      const refresh = () =>
        call(amo, 'POST', '/oauth2/access_token', {
          body: grant({ grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) }),
        });
      const results = await Promise.all([refresh(), refresh()]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
      expect(amo.state.refreshCount).toBe(before + 1);
    });

    it('refuses a reused code, an expired code, a wrong redirect_uri and a wrong secret', async () => {
      const code = amo.authorizationCode();
      const ok = await call(amo, 'POST', '/oauth2/access_token', {
        body: grant({ grant_type: 'authorization_code', code }),
      });
      expect(ok.status).toBe(200);
      const again = await call(amo, 'POST', '/oauth2/access_token', {
        body: grant({ grant_type: 'authorization_code', code }),
      });
      expect(again.status).toBe(400);
      expect(obj(again.body).hint).toBe('Authorization code has been revoked');

      const wrongUri = await call(amo, 'POST', '/oauth2/access_token', {
        body: {
          ...grant({ grant_type: 'authorization_code', code: amo.authorizationCode() }),
          redirect_uri: 'https://evil.example/cb',
        },
      });
      expect(wrongUri.status).toBe(400);
      expect(obj(wrongUri.body).title).toBe('Некорректный запрос');

      const badSecret = await call(amo, 'POST', '/oauth2/access_token', {
        body: {
          ...grant({ grant_type: 'authorization_code', code: amo.authorizationCode() }),
          client_secret: 'nope',
        },
      });
      expect(badSecret.status).toBe(401);

      const late = amo.authorizationCode();
      amo.state.advanceTime(21 * 60);
      const expired = await call(amo, 'POST', '/oauth2/access_token', {
        body: grant({ grant_type: 'authorization_code', code: late }),
      });
      expect(expired.status).toBe(400);
      expect(obj(expired.body).hint).toBe('Authorization code has expired');
    });

    it('answers 401 problem+json without a token and for expired tokens; long-lived tokens work', async () => {
      const none = await call(amo, 'GET', '/api/v4/leads', { token: null });
      expect(none.status).toBe(401);
      expect(none.headers.get('content-type')).toBe('application/problem+json');
      expect(obj(none.body)).toMatchObject({
        status: 401,
        title: 'Unauthorized',
        type: 'https://httpstatus.es/401',
      });

      const tokens = obj(
        (
          await call(amo, 'POST', '/oauth2/access_token', {
            body: grant({ grant_type: 'authorization_code', code: amo.authorizationCode() }),
          })
        ).body,
      );
      const access = String(tokens.access_token);
      expect((await call(amo, 'GET', '/api/v4/account', { token: access })).status).toBe(200);
      amo.faults.expireAccessTokens();
      expect((await call(amo, 'GET', '/api/v4/account', { token: access })).status).toBe(401);
      // long-lived tokens are not touched by the default expiry hook
      const account = await api('GET', '/api/v4/account');
      expect(account.status).toBe(200);
      expect(account.headers.get('content-type')).toBe('application/hal+json');
      expect(obj(account.body)).toMatchObject({
        country: 'RU',
        subdomain: 'leadtrail',
        current_user_id: 8100001,
      });
    });
  });
});
