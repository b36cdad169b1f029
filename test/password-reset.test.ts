import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './helpers/assert.js';
import { ApiClient, signUp } from './helpers/client.js';
import { freePort, startTestServer, type TestServer } from './helpers/server.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';

let smtp: TestSmtp;
let server: TestServer;
beforeAll(async () => {
  smtp = await startSmtp();
  server = await startTestServer({ SMTP_URL: smtp.url });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

const NEW_PASSWORD = 'новый-пароль-после-сброса';
const linkIn = (text: string) => text.match(/https?:\/\/\S+\/reset-password\?token=[\w-]+/)?.[0] ?? '';
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

async function requestLink(email: string): Promise<{ link: string; subject: string; html: string }> {
  const r = await new ApiClient(server.url).post('/api/v1/auth/password-reset', { email });
  expect(r.status).toBe(202);
  const { mail } = await smtp.next(email.toLowerCase());
  return { link: linkIn(mail.text ?? ''), subject: mail.subject ?? '', html: String(mail.html) };
}

describe('password reset by e-mail', () => {
  it('says it works by e-mail when SMTP is configured', async () => {
    const r = await new ApiClient(server.url).get<{ byEmail: boolean }>('/api/v1/auth/password-reset');
    expect(r.body).toEqual({ byEmail: true });
  });

  it('e-mails a one-time link that sets a new password and ends every session', async () => {
    const { email, password, client } = await signUp(server.url);
    const { link, subject, html } = await requestLink(email);
    expect(subject).toBe('Leadtrail: восстановление пароля');
    expect(link.startsWith(`${server.url}/reset-password?token=`)).toBe(true);
    expect(html).toContain(link);
    const stored = await server.db.selectFrom('password_resets').select('token_hash').execute();
    expect(JSON.stringify(stored)).not.toContain(tokenOf(link));

    const anon = new ApiClient(server.url);
    const ok = await anon.post('/api/v1/auth/password-reset/confirm', {
      token: tokenOf(link),
      password: NEW_PASSWORD,
    });
    expect(ok.status).toBe(204);
    expectError(await client.get('/api/v1/me'), 401, 'unauthorized');
    expectError(await anon.post('/api/v1/auth/login', { email, password }), 401, 'invalid_credentials');
    expect((await anon.post('/api/v1/auth/login', { email, password: NEW_PASSWORD })).status).toBe(200);

    const again = await anon.post('/api/v1/auth/password-reset/confirm', {
      token: tokenOf(link),
      password: 'ещё-один-пароль-123',
    });
    expect(expectError(again, 400, 'reset_link_invalid').error.message).toMatch(/использована или истекла/);
  });

  it('writes in the user’s language and lifts the sign-in lock after a reset', async () => {
    const { email, client } = await signUp(server.url);
    await client.patch('/api/v1/me', { language: 'en' });
    for (let i = 0; i < 10; i++)
      await new ApiClient(server.url).post('/api/v1/auth/login', { email, password: `wrong-${i}-password` });
    expectError(
      await new ApiClient(server.url).post('/api/v1/auth/login', { email, password: NEW_PASSWORD }),
      429,
      'rate_limited',
    );
    const { link, subject } = await requestLink(email);
    expect(subject).toBe('Leadtrail: reset your password');
    const anon = new ApiClient(server.url);
    expect(
      (
        await anon.post('/api/v1/auth/password-reset/confirm', {
          token: tokenOf(link),
          password: NEW_PASSWORD,
        })
      ).status,
    ).toBe(204);
    expect((await anon.post('/api/v1/auth/login', { email, password: NEW_PASSWORD })).status).toBe(200);
  });

  it('refuses an expired link and one made before a password change', async () => {
    const { email, password, client, userId } = await signUp(server.url);
    const first = await requestLink(email);
    await server.db
      .updateTable('password_resets')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', userId)
      .execute();
    const anon = new ApiClient(server.url);
    expectError(
      await anon.post('/api/v1/auth/password-reset/confirm', {
        token: tokenOf(first.link),
        password: NEW_PASSWORD,
      }),
      400,
      'reset_link_invalid',
    );
    const second = await requestLink(email);
    expect(
      (await client.patch('/api/v1/me', { password: { current: password, new: 'сменён-в-кабинете' } }))
        .status,
    ).toBe(200);
    expectError(
      await anon.post('/api/v1/auth/password-reset/confirm', {
        token: tokenOf(second.link),
        password: NEW_PASSWORD,
      }),
      400,
      'reset_link_invalid',
    );
    expect((await anon.post('/api/v1/auth/login', { email, password: 'сменён-в-кабинете' })).status).toBe(
      200,
    );
  });

  it('answers 202 alike for unknown e-mails, sends them nothing, and throttles both alike', async () => {
    const anon = new ApiClient(server.url);
    const unknown = `nobody.${Date.now()}@example.ru`;
    expect((await anon.post('/api/v1/auth/password-reset', { email: unknown })).status).toBe(202);
    const { email } = await signUp(server.url);
    await requestLink(email); // arrives after anything sent for the unknown address would have
    expect(smtp.received.some((r) => r.to.includes(unknown))).toBe(false);

    for (let i = 0; i < 2; i++) {
      expect((await anon.post('/api/v1/auth/password-reset', { email: unknown })).status).toBe(202);
      expect((await anon.post('/api/v1/auth/password-reset', { email })).status).toBe(202);
    }
    for (const address of [unknown, email]) {
      const r = await anon.post('/api/v1/auth/password-reset', { email: address });
      expectError(r, 429, 'reset_rate_limited');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expectError(
      await anon.post('/api/v1/auth/password-reset', { email: 'not-an-email' }),
      400,
      'validation_error',
    );
  });
});

describe('invitations by e-mail', () => {
  it('e-mails the invitation link, which works, and still shows it in the answer', async () => {
    const { client } = await signUp(server.url, { accountName: 'ООО «Почта»' });
    const invitee = `invitee.${Date.now()}@example.ru`;
    const inv = await client.post<{ url: string; emailed: boolean }>('/api/v1/invitations', {
      email: invitee,
      role: 'viewer',
    });
    expect(inv.status).toBe(201);
    expect(inv.body.emailed).toBe(true);
    const { mail } = await smtp.next(invitee);
    expect(mail.subject).toBe('Leadtrail: приглашение в «ООО «Почта»»');
    expect(mail.text).toContain(inv.body.url);
    const token = inv.body.url.split('/invite/')[1] ?? '';
    const joined = new ApiClient(server.url);
    const accept = await joined.post(`/api/v1/invite/${token}/accept`, { password: 'пароль-приглашённого' });
    expect(accept.status).toBe(201);
    expect((await joined.get('/api/v1/me')).status).toBe(200);
  });
});

describe('when e-mail cannot be sent', () => {
  it('still answers: the invitation shows its link (emailed: false), the reset 202', async () => {
    const deadPort = await freePort();
    const broken = await startTestServer({ SMTP_URL: `smtp://u:secret@127.0.0.1:${deadPort}` });
    try {
      const { client, email } = await signUp(broken.url);
      const inv = await client.post<{ url: string; emailed: boolean }>('/api/v1/invitations', {
        email: `x.${Date.now()}@example.ru`,
        role: 'admin',
      });
      expect(inv.status).toBe(201);
      expect(inv.body).toMatchObject({ emailed: false, url: expect.stringContaining('/invite/') });
      expect((await new ApiClient(broken.url).post('/api/v1/auth/password-reset', { email })).status).toBe(
        202,
      );
    } finally {
      await broken.close();
    }
  });

  it('without SMTP_URL says so, and invitations are not e-mailed', async () => {
    const plain = await startTestServer();
    try {
      expect((await new ApiClient(plain.url).get('/api/v1/auth/password-reset')).body).toEqual({
        byEmail: false,
      });
      const { client } = await signUp(plain.url);
      const inv = await client.post<{ emailed: boolean }>('/api/v1/invitations', {
        email: `y.${Date.now()}@example.ru`,
        role: 'viewer',
      });
      expect(inv.body.emailed).toBe(false);
    } finally {
      await plain.close();
    }
  });
});
