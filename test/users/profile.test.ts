// A member's own profile (name, language, password) and the account's settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/assert.js';
import { ApiClient } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { type AccountJson, accountHelpers, type Me } from './fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());
const { newAccount, join } = accountHelpers(() => server);

describe('your own profile', () => {
  it('changes the name and the interface language', async () => {
    const boss = await newAccount();
    const r = await boss.client.patch<Me>('/api/v1/me', { name: '  Ирина Волкова  ', language: 'en' });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: boss.id, name: 'Ирина Волкова', language: 'en', role: 'owner' });
    expect((await boss.client.get<Me>('/api/v1/me')).body.user).toMatchObject({
      name: 'Ирина Волкова',
      language: 'en',
    });
    // null goes back to the account's language
    const reset = await boss.client.patch<Me>('/api/v1/me', { language: null });
    expect(reset.body.user).toMatchObject({ name: 'Ирина Волкова', language: null });
  });

  it('changes the password only with the right current one, and ends the other sessions', async () => {
    const boss = await newAccount();
    const laptop = new ApiClient(server.url);
    expect(
      (await laptop.post('/api/v1/auth/login', { email: boss.email, password: boss.password })).status,
    ).toBe(200);
    const hashBefore = (
      await server.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', boss.id)
        .executeTakeFirstOrThrow()
    ).password_hash;

    const wrong = await boss.client.patch('/api/v1/me', {
      password: { current: 'не-тот-пароль-123', new: 'совсем-новый-пароль' },
    });
    expect(expectError(wrong, 400, 'wrong_password').error.message).toBe('Текущий пароль указан неверно');
    const hashAfterWrong = await server.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', boss.id)
      .executeTakeFirstOrThrow();
    expect(hashAfterWrong.password_hash).toBe(hashBefore);
    expect((await laptop.get('/api/v1/me')).status).toBe(200);

    const ok = await boss.client.patch<Me>('/api/v1/me', {
      password: { current: boss.password, new: 'совсем-новый-пароль' },
    });
    expect(ok.status).toBe(200);
    expect(JSON.stringify(ok.body)).not.toContain('совсем-новый-пароль');

    expect((await boss.client.get('/api/v1/me')).status).toBe(200); // this session stays
    expectError(await laptop.get('/api/v1/me'), 401, 'unauthorized'); // the other one ended
    expectError(
      await new ApiClient(server.url).post('/api/v1/auth/login', {
        email: boss.email,
        password: boss.password,
      }),
      401,
      'invalid_credentials',
    );
    const fresh = new ApiClient(server.url);
    expect(
      (await fresh.post('/api/v1/auth/login', { email: boss.email, password: 'совсем-новый-пароль' })).status,
    ).toBe(200);
    expect((await fresh.get('/api/v1/me')).status).toBe(200);
  });

  it('a password change through a token ends every cabinet session', async () => {
    const boss = await newAccount();
    const t = await boss.client.post<{ token: string }>('/api/v1/tokens', { name: 'CLI' });
    const r = await boss.client.withBearer(t.body.token).patch('/api/v1/me', {
      password: { current: boss.password, new: 'пароль-из-консоли' },
    });
    expect(r.status).toBe(200);
    expectError(await boss.client.get('/api/v1/me'), 401, 'unauthorized');
    expect((await boss.client.withBearer(t.body.token).get('/api/v1/me')).status).toBe(200);
  });
  it('revokes personal API tokens on a password change only when asked', async () => {
    const boss = await newAccount();
    const kept = await boss.client.post<{ token: string }>('/api/v1/tokens', { name: 'оставить' });
    const keep = await boss.client.patch('/api/v1/me', {
      password: { current: boss.password, new: 'второй-пароль-123', revokeApiTokens: false },
    });
    expect(keep.status).toBe(200);
    expect((await boss.client.withBearer(kept.body.token).get('/api/v1/me')).status).toBe(200);
    const revoke = await boss.client.patch('/api/v1/me', {
      password: { current: 'второй-пароль-123', new: 'третий-пароль-123', revokeApiTokens: true },
    });
    expect(revoke.status).toBe(200);
    expectError(await boss.client.withBearer(kept.body.token).get('/api/v1/me'), 401, 'invalid_token');
    expect((await boss.client.get('/api/v1/me')).status).toBe(200); // the session that changed it stays
    // Another member's tokens are untouched.
    const other = await newAccount();
    const theirs = await other.client.post<{ token: string }>('/api/v1/tokens', { name: 'чужой' });
    await boss.client.patch('/api/v1/me', {
      password: { current: 'третий-пароль-123', new: 'четвёртый-пароль', revokeApiTokens: true },
    });
    expect((await other.client.withBearer(theirs.body.token).get('/api/v1/me')).status).toBe(200);
  });
});

describe('account settings', () => {
  it('are refused to a viewer and changed by an admin', async () => {
    const boss = await newAccount('ООО «Балтийский берег»');
    const admin = await join(boss.client, 'admin');
    const viewer = await join(boss.client, 'viewer');
    const before = await server.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', boss.accountId)
      .executeTakeFirstOrThrow();

    const refused = await viewer.client.patch('/api/v1/account', { name: 'Захват', currency: 'USD' });
    expectError(refused, 403, 'forbidden');
    expect(
      await server.db
        .selectFrom('accounts')
        .selectAll()
        .where('id', '=', boss.accountId)
        .executeTakeFirstOrThrow(),
    ).toEqual(before);

    const changed = await admin.client.patch<AccountJson>('/api/v1/account', {
      name: 'ООО «Балтийский берег — Калининград»',
      timezone: 'Europe/Kaliningrad',
      currency: 'eur',
      language: 'en',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      id: boss.accountId,
      name: 'ООО «Балтийский берег — Калининград»',
      timezone: 'Europe/Kaliningrad',
      currency: 'EUR',
      language: 'en',
    });
    // Everyone in the account sees the change at once, the viewer included.
    expect((await viewer.client.get<AccountJson>('/api/v1/account')).body).toEqual(changed.body);
    expect((await boss.client.get<Me>('/api/v1/me')).body.account).toEqual(changed.body);
  });
});
