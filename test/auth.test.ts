import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './helpers/assert.js';
import { ApiClient, type ErrorReply, signUp } from './helpers/client.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('sign-up, sign-in, sessions', () => {
  it('signs up an owner with a secure session cookie and answers /me', async () => {
    const client = new ApiClient(server.url);
    const r = await client.post<{
      user: { email: string; role: string };
      account: { name: string; currency: string; timezone: string; language: string };
    }>('/api/v1/auth/signup', {
      email: ' Иван.Petrov@Example.RU ',
      password: 'очень-длинный-пароль',
      accountName: 'Агентство «Лиды»',
      name: 'Иван',
    });
    expect(r.status).toBe(201);
    expect(r.body.user).toMatchObject({ email: 'иван.petrov@example.ru', role: 'owner' });
    expect(r.body.account).toMatchObject({
      name: 'Агентство «Лиды»',
      currency: 'RUB',
      timezone: 'Europe/Moscow',
      language: 'ru',
    });
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('lt_session=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // http here; https PUBLIC_URL adds Secure (tested below)
    const me = await client.get<{ user: { email: string } }>('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('иван.petrov@example.ru');
  });

  it('refuses a second account with the same e-mail in any letter case', async () => {
    const { email } = await signUp(server.url);
    const r = await new ApiClient(server.url).post('/api/v1/auth/signup', {
      email: email.toUpperCase(),
      password: 'another-password-1',
      accountName: 'Second',
    });
    expectError(r, 409, 'email_taken');
  });

  it('signs in, signs out, and the old cookie stops working', async () => {
    const { email, password } = await signUp(server.url);
    const c = new ApiClient(server.url);
    expect((await c.get('/api/v1/me')).status).toBe(401);
    const login = await c.post('/api/v1/auth/login', { email, password });
    expect(login.status).toBe(200);
    const oldCookie = c.cookie;
    expect((await c.get('/api/v1/me')).status).toBe(200);
    expect((await c.post('/api/v1/auth/logout')).status).toBe(204);
    const replay = new ApiClient(server.url);
    replay.cookie = oldCookie;
    expect((await replay.get('/api/v1/me')).status).toBe(401);
  });

  it('answers a wrong password with 401 in Russian by default and in English on request', async () => {
    const { email } = await signUp(server.url);
    const ru = await new ApiClient(server.url).post('/api/v1/auth/login', {
      email,
      password: 'wrong-password',
    });
    expect(expectError(ru, 401, 'invalid_credentials').error.message).toBe('Неверный e-mail или пароль');
    const en = await new ApiClient(server.url, {
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    }).post<ErrorReply>('/api/v1/auth/login', { email, password: 'wrong-password' });
    expect(en.body.error.message).toBe('Wrong e-mail or password');
  });

  it('throttles sign-in after 10 failures for an e-mail, even with the right password', async () => {
    const { email, password } = await signUp(server.url);
    const c = new ApiClient(server.url);
    for (let i = 0; i < 10; i++) {
      expect((await c.post('/api/v1/auth/login', { email, password: `wrong-${i}-password` })).status).toBe(
        401,
      );
    }
    const blocked = await c.post('/api/v1/auth/login', { email, password });
    expectError(blocked, 429, 'rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account from the same IP is not locked out by this e-mail's failures.
    const other = await signUp(server.url);
    expect(
      (await c.post('/api/v1/auth/login', { email: other.email, password: other.password })).status,
    ).toBe(200);
  });
  it('counts parallel wrong passwords atomically: 40 at once give 10 × 401 and 30 × 429', async () => {
    const { email, password } = await signUp(server.url);
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        new ApiClient(server.url)
          .post('/api/v1/auth/login', { email, password: `wrong-${i}-password` })
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    // The lock holds for the right password too.
    expect((await new ApiClient(server.url).post('/api/v1/auth/login', { email, password })).status).toBe(
      429,
    );
  });
});

describe('CSRF and bearer tokens', () => {
  it('refuses cookie writes without a matching Origin and accepts Sec-Fetch-Site: same-origin', async () => {
    const { client } = await signUp(server.url);
    const noOrigin = new ApiClient(server.url, { origin: null });
    noOrigin.cookie = client.cookie;
    const body = { name: 'Сайт', domains: ['shop.ru'] };
    expectError(await noOrigin.post('/api/v1/projects', body), 403, 'csrf_rejected');
    const evil = new ApiClient(server.url, { origin: 'https://evil.example' });
    evil.cookie = client.cookie;
    expect((await evil.post('/api/v1/projects', body)).status).toBe(403);
    const fetchMeta = new ApiClient(server.url, {
      origin: null,
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    fetchMeta.cookie = client.cookie;
    expect((await fetchMeta.post('/api/v1/projects', body)).status).toBe(201);
    expect((await client.get<{ items: unknown[] }>('/api/v1/projects')).body.items).toHaveLength(1);
  });

  it('lets a personal token call the API without Origin, and not after it is revoked', async () => {
    const { client } = await signUp(server.url);
    const t = await client.post<{ id: string; token: string; prefix: string }>('/api/v1/tokens', {
      name: 'скрипт',
    });
    expect(t.status).toBe(201);
    expect(t.body.token.startsWith(t.body.prefix)).toBe(true);
    const bot = client.withBearer(t.body.token);
    expect((await bot.post('/api/v1/projects', { name: 'API', domains: ['api.ru'] })).status).toBe(201);
    const list = await client.get<{ items: Array<{ id: string; lastUsedAt: string | null }> }>(
      '/api/v1/tokens',
    );
    expect(list.body.items[0]?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(list.body)).not.toContain(t.body.token);
    expect((await client.delete(`/api/v1/tokens/${t.body.id}`)).status).toBe(204);
    expectError(await bot.get('/api/v1/projects'), 401, 'invalid_token');
  });
});

describe('cookies under https', () => {
  it('marks the session cookie Secure when PUBLIC_URL is https', async () => {
    const https = await startTestServer({ PUBLIC_URL: 'https://leads.example.ru' });
    try {
      const c = new ApiClient(https.url, { origin: 'https://leads.example.ru' });
      const r = await c.post('/api/v1/auth/signup', {
        email: 'secure@example.ru',
        password: 'secure-password-1',
        accountName: 'HTTPS',
      });
      expect(r.status).toBe(201);
      expect(r.headers.getSetCookie().find((x) => x.startsWith('lt_session='))).toMatch(/;\s*Secure/i);
      // The cabinet's public origin counts as same-origin for cookie writes.
      expect((await c.post('/api/v1/projects', { name: 'S', domains: ['s.ru'] })).status).toBe(201);
    } finally {
      await https.close();
    }
  });

  it('trusts X-Forwarded-Proto only with TRUST_PROXY', async () => {
    const proxied = await startTestServer({ TRUST_PROXY: 'true' });
    try {
      const headers = { 'x-forwarded-proto': 'https' };
      const behind = await new ApiClient(proxied.url, { headers }).post('/api/v1/auth/signup', {
        email: 'proxy@example.ru',
        password: 'proxy-password-1',
        accountName: 'Proxy',
      });
      expect(behind.headers.getSetCookie().join()).toMatch(/;\s*Secure/i);
      const direct = await new ApiClient(server.url, { headers }).post('/api/v1/auth/signup', {
        email: 'direct@example.ru',
        password: 'direct-password-1',
        accountName: 'Direct',
      });
      expect(direct.headers.getSetCookie().join()).not.toMatch(/Secure/i);
    } finally {
      await proxied.close();
    }
  });
});
