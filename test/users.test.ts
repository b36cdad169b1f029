import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './helpers/assert.js';
import { ApiClient, signUp } from './helpers/client.js';
import { startTestServer, type TestServer } from './helpers/server.js';

type Role = 'owner' | 'admin' | 'viewer';

interface UserJson {
  id: string;
  email: string;
  name: string;
  role: Role;
  language: 'ru' | 'en' | null;
  createdAt: string;
}
interface AccountJson {
  id: string;
  name: string;
  timezone: string;
  currency: string;
  language: 'ru' | 'en';
}
interface Me {
  user: UserJson;
  account: AccountJson;
}
interface InvitationJson {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  url: string;
}
interface Member {
  client: ApiClient;
  id: string;
  email: string;
  password: string;
}

const PASSWORD = 'пароль-надёжный-123';
let server: TestServer;
let seq = 0;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const email = (who: string) => `${who}.${++seq}.${Date.now()}@example.ru`;
const tokenOf = (url: string) => url.split('/invite/')[1] ?? '';

async function newAccount(accountName = 'ООО «Северный ветер»'): Promise<Member & { accountId: string }> {
  const s = await signUp(server.url, { accountName });
  return { client: s.client, id: s.userId, email: s.email, password: s.password, accountId: s.accountId };
}

async function invite(by: ApiClient, role: 'admin' | 'viewer', address = email(role)) {
  const r = await by.post<InvitationJson>('/api/v1/invitations', { email: address, role });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** Invites and accepts: a new member of `by`'s account with its own signed-in client. */
async function join(by: ApiClient, role: Role, name = 'Сотрудник'): Promise<Member> {
  const inv = await invite(by, role === 'owner' ? 'admin' : role, email(role));
  const client = new ApiClient(server.url);
  const r = await client.post<Me>(`/api/v1/invite/${tokenOf(inv.url)}/accept`, { password: PASSWORD, name });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  if (role === 'owner') {
    expect((await by.patch(`/api/v1/users/${r.body.user.id}`, { role: 'owner' })).status).toBe(200);
  }
  return { client, id: r.body.user.id, email: inv.email, password: PASSWORD };
}

const owners = (accountId: string) =>
  server.db
    .selectFrom('users')
    .select('id')
    .where('account_id', '=', accountId)
    .where('role', '=', 'owner')
    .execute()
    .then((rows) => rows.map((r) => r.id).sort());

describe('invitations', () => {
  it('invites by link, shows the invitation publicly and signs the new member in on accept', async () => {
    const boss = await newAccount('ООО «Северный ветер»');
    const address = email('Anna.Smirnova');
    const inv = await boss.client.post<InvitationJson>('/api/v1/invitations', {
      email: `  ${address.toUpperCase()} `,
      role: 'admin',
    });
    expect(inv.status).toBe(201);
    expect(inv.body).toMatchObject({ email: address.toLowerCase(), role: 'admin' });
    expect(inv.body.url).toMatch(new RegExp(`^${server.url.replace(/\./g, '\\.')}/invite/[\\w-]{20,}$`));
    const days = (Date.parse(inv.body.expiresAt) - Date.parse(inv.body.createdAt)) / 86_400_000;
    expect(days).toBeCloseTo(7, 3);
    // Only the hash of the link's token is stored.
    const stored = await server.db
      .selectFrom('invitations')
      .selectAll()
      .where('id', '=', inv.body.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(tokenOf(inv.body.url));

    const stranger = new ApiClient(server.url);
    const shown = await stranger.get(`/api/v1/invite/${tokenOf(inv.body.url)}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({
      email: address.toLowerCase(),
      role: 'admin',
      accountName: 'ООО «Северный ветер»',
    });

    const accepted = await stranger.post<Me>(`/api/v1/invite/${tokenOf(inv.body.url)}/accept`, {
      password: 'новый-пароль-анны',
      name: 'Анна Смирнова',
    });
    expect(accepted.status).toBe(201);
    expect(accepted.headers.getSetCookie().some((c) => c.startsWith('lt_session='))).toBe(true);
    expect(stranger.cookie).not.toBeNull();
    expect(accepted.body.user).toMatchObject({
      email: address.toLowerCase(),
      name: 'Анна Смирнова',
      role: 'admin',
    });
    expect(accepted.body.account.id).toBe(boss.accountId);

    const me = await stranger.get<Me>('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: accepted.body.user.id, role: 'admin' });
    expect(me.body.account).toMatchObject({ id: boss.accountId, name: 'ООО «Северный ветер»' });

    const users = await boss.client.get<{ items: UserJson[] }>('/api/v1/users');
    expect(users.body.items.map((u) => [u.id, u.role])).toEqual([
      [boss.id, 'owner'],
      [accepted.body.user.id, 'admin'],
    ]);
    // The new member can sign in with the password chosen on the invitation page.
    const again = await new ApiClient(server.url).post('/api/v1/auth/login', {
      email: address,
      password: 'новый-пароль-анны',
    });
    expect(again.status).toBe(200);

    // The link is used up: neither shown nor accepted again, and hidden from the open list.
    expectError(await stranger.get(`/api/v1/invite/${tokenOf(inv.body.url)}`), 404, 'invitation_invalid');
    const twice = await new ApiClient(server.url).post(`/api/v1/invite/${tokenOf(inv.body.url)}/accept`, {
      password: 'другой-пароль-123',
    });
    expectError(twice, 404, 'invitation_invalid');
    const open = await boss.client.get<{ items: InvitationJson[] }>('/api/v1/invitations');
    expect(open.body.items.map((i) => i.id)).not.toContain(inv.body.id);
    expect(
      (
        await server.db
          .selectFrom('invitations')
          .select('accepted_at')
          .where('id', '=', inv.body.id)
          .executeTakeFirstOrThrow()
      ).accepted_at,
    ).toBeInstanceOf(Date);
    expect((await boss.client.get<{ items: UserJson[] }>('/api/v1/users')).body.items).toHaveLength(2);
  });

  it('lists open invitations and hides accepted and revoked ones', async () => {
    const boss = await newAccount();
    const first = await invite(boss.client, 'viewer');
    const second = await invite(boss.client, 'admin');
    const third = await invite(boss.client, 'viewer');
    const list = await boss.client.get<{ items: InvitationJson[] }>('/api/v1/invitations');
    expect(list.body.items.map((i) => i.id).sort()).toEqual([first.id, second.id, third.id].sort());
    expect(JSON.stringify(list.body)).not.toContain(tokenOf(first.url));

    expect(
      (
        await new ApiClient(server.url).post(`/api/v1/invite/${tokenOf(first.url)}/accept`, {
          password: PASSWORD,
        })
      ).status,
    ).toBe(201);
    expect((await boss.client.delete(`/api/v1/invitations/${second.id}`)).status).toBe(204);
    const after = await boss.client.get<{ items: InvitationJson[] }>('/api/v1/invitations');
    expect(after.body.items.map((i) => i.id)).toEqual([third.id]);
    // An accepted invitation cannot be revoked any more.
    expectError(await boss.client.delete(`/api/v1/invitations/${first.id}`), 404, 'not_found');
  });

  it('makes a revoked link useless', async () => {
    const boss = await newAccount();
    const inv = await invite(boss.client, 'viewer');
    const del = await boss.client.delete(`/api/v1/invitations/${inv.id}`);
    expect(del.status).toBe(204);
    const stranger = new ApiClient(server.url);
    expectError(await stranger.get(`/api/v1/invite/${tokenOf(inv.url)}`), 404, 'invitation_invalid');
    expectError(
      await stranger.post(`/api/v1/invite/${tokenOf(inv.url)}/accept`, { password: PASSWORD }),
      404,
      'invitation_invalid',
    );
    expect(stranger.cookie).toBeNull();
    const users = await server.db.selectFrom('users').select('id').where('email', '=', inv.email).execute();
    expect(users).toEqual([]);
    expectError(await boss.client.delete(`/api/v1/invitations/${inv.id}`), 404, 'not_found');
  });

  it('answers an unknown link with 404 invitation_invalid in Russian and English', async () => {
    const ru = expectError(
      await new ApiClient(server.url).get('/api/v1/invite/nonexistent-token-123456'),
      404,
      'invitation_invalid',
    );
    expect(ru.error.message).toBe('Приглашение не найдено, уже использовано или истекло');
    const en = await new ApiClient(server.url, { headers: { 'accept-language': 'en' } }).get(
      '/api/v1/invite/nonexistent-token-123456',
    );
    expect(expectError(en, 404, 'invitation_invalid').error.message).toBe(
      'The invitation was not found, was already used or has expired',
    );
  });

  it("refuses to invite an existing user's e-mail, in any letter case and from any account", async () => {
    const boss = await newAccount();
    const other = await newAccount('ИП Кузнецов');
    const before = await server.db.selectFrom('invitations').selectAll().orderBy('id').execute();
    for (const address of [boss.email, boss.email.toUpperCase(), other.email]) {
      const r = await boss.client.post('/api/v1/invitations', { email: address, role: 'viewer' });
      expectError(r, 409, 'email_taken');
    }
    expect(await server.db.selectFrom('invitations').selectAll().orderBy('id').execute()).toEqual(before);
  });

  it('lets an admin invite but not a viewer', async () => {
    const boss = await newAccount();
    const admin = await join(boss.client, 'admin');
    const viewer = await join(boss.client, 'viewer');
    expect((await invite(admin.client, 'viewer')).role).toBe('viewer');
    expectError(
      await viewer.client.post('/api/v1/invitations', { email: email('x'), role: 'viewer' }),
      403,
      'forbidden',
    );
    expectError(await viewer.client.get('/api/v1/invitations'), 403, 'forbidden');
    const open = await admin.client.get<{ items: InvitationJson[] }>('/api/v1/invitations');
    expectError(
      await viewer.client.delete(`/api/v1/invitations/${open.body.items[0]?.id}`),
      403,
      'forbidden',
    );
  });
});

describe('roles', () => {
  it('are changed by owners only', async () => {
    const boss = await newAccount();
    const admin = await join(boss.client, 'admin');
    const viewer = await join(boss.client, 'viewer');

    const promoted = await boss.client.patch<UserJson>(`/api/v1/users/${viewer.id}`, { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ id: viewer.id, role: 'admin' });
    // The new role applies to the member's live session at once.
    expect(
      (await viewer.client.post('/api/v1/projects', { name: 'Сайт', domains: ['sever.ru'] })).status,
    ).toBe(201);
    expect((await boss.client.patch(`/api/v1/users/${viewer.id}`, { role: 'viewer' })).status).toBe(200);
    expectError(
      await viewer.client.post('/api/v1/projects', { name: 'Сайт 2', domains: ['sever.ru'] }),
      403,
      'forbidden',
    );

    const before = await server.db.selectFrom('users').selectAll().orderBy('id').execute();
    expectError(await admin.client.patch(`/api/v1/users/${viewer.id}`, { role: 'admin' }), 403, 'forbidden');
    expectError(await admin.client.patch(`/api/v1/users/${admin.id}`, { role: 'owner' }), 403, 'forbidden');
    expectError(await admin.client.patch(`/api/v1/users/${boss.id}`, { role: 'viewer' }), 403, 'forbidden');
    expectError(await viewer.client.patch(`/api/v1/users/${viewer.id}`, { role: 'owner' }), 403, 'forbidden');
    expect(await server.db.selectFrom('users').selectAll().orderBy('id').execute()).toEqual(before);

    const list = await viewer.client.get<{ items: UserJson[] }>('/api/v1/users');
    expect(list.body.items.map((u) => [u.id, u.role])).toEqual([
      [boss.id, 'owner'],
      [admin.id, 'admin'],
      [viewer.id, 'viewer'],
    ]);
  });

  it('keep the last owner: a sole owner can neither step down nor leave', async () => {
    const boss = await newAccount();
    const admin = await join(boss.client, 'admin');
    for (const role of ['admin', 'viewer'] as const) {
      const r = await boss.client.patch(`/api/v1/users/${boss.id}`, { role });
      expect(expectError(r, 409, 'last_owner').error.message).toBe(
        'В аккаунте должен остаться хотя бы один владелец',
      );
    }
    expectError(await boss.client.delete(`/api/v1/users/${boss.id}`), 409, 'last_owner');
    expect(await owners(boss.accountId)).toEqual([boss.id]);
    // "Changing" the sole owner to owner is no demotion.
    expect((await boss.client.patch(`/api/v1/users/${boss.id}`, { role: 'owner' })).status).toBe(200);

    // With a second owner, either may step down or leave.
    expect((await boss.client.patch(`/api/v1/users/${admin.id}`, { role: 'owner' })).status).toBe(200);
    const stepDown = await boss.client.patch<UserJson>(`/api/v1/users/${boss.id}`, { role: 'admin' });
    expect(stepDown.status).toBe(200);
    expect(stepDown.body.role).toBe('admin');
    expect(await owners(boss.accountId)).toEqual([admin.id]);
    // Now the other one is the last owner, and the former owner has no say in roles.
    expectError(await admin.client.patch(`/api/v1/users/${admin.id}`, { role: 'viewer' }), 409, 'last_owner');
    expectError(await boss.client.patch(`/api/v1/users/${admin.id}`, { role: 'viewer' }), 403, 'forbidden');
    expect((await admin.client.patch(`/api/v1/users/${boss.id}`, { role: 'owner' })).status).toBe(200);
    expect((await boss.client.delete(`/api/v1/users/${boss.id}`)).status).toBe(204);
    expect(await owners(boss.accountId)).toEqual([admin.id]);
    expectError(await boss.client.get('/api/v1/me'), 401, 'unauthorized');
  });

  it('keep the last owner when two owners step down at the same moment', async () => {
    const boss = await newAccount();
    const second = await join(boss.client, 'owner');
    for (let round = 0; round < 4; round++) {
      expect(await owners(boss.accountId)).toEqual([boss.id, second.id].sort());
      const results = await Promise.all([
        boss.client.patch(`/api/v1/users/${boss.id}`, { role: 'admin' }),
        second.client.patch(`/api/v1/users/${second.id}`, { role: 'admin' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const remaining = await owners(boss.accountId);
      expect(remaining).toHaveLength(1);
      const winner = remaining[0] === boss.id ? boss : second;
      const loser = winner === boss ? second : boss;
      expect((await winner.client.patch(`/api/v1/users/${loser.id}`, { role: 'owner' })).status).toBe(200);
    }
    // The same for two owners removing each other.
    const results = await Promise.all([
      boss.client.delete(`/api/v1/users/${second.id}`),
      second.client.delete(`/api/v1/users/${boss.id}`),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(204);
    expect([401, 404, 409]).toContain(statuses[1]);
    expect(await owners(boss.accountId)).toHaveLength(1);
  });
});

describe('removing members', () => {
  it('lets an admin remove a viewer, not an owner or another admin; the removed session ends', async () => {
    const boss = await newAccount();
    const admin = await join(boss.client, 'admin');
    const otherAdmin = await join(boss.client, 'admin');
    const viewer = await join(boss.client, 'viewer');
    const token = await viewer.client.post<{ token: string }>('/api/v1/tokens', { name: 'отчёты' });
    expect(token.status).toBe(201);
    const bot = viewer.client.withBearer(token.body.token);
    expect((await bot.get('/api/v1/me')).status).toBe(200);

    expectError(await admin.client.delete(`/api/v1/users/${boss.id}`), 403, 'forbidden');
    expectError(await admin.client.delete(`/api/v1/users/${otherAdmin.id}`), 403, 'forbidden');
    expectError(await viewer.client.delete(`/api/v1/users/${admin.id}`), 403, 'forbidden');
    expectError(await viewer.client.delete(`/api/v1/users/${viewer.id}`), 403, 'forbidden');

    const removed = await admin.client.delete(`/api/v1/users/${viewer.id}`);
    expect(removed.status).toBe(204);
    const ids = (await boss.client.get<{ items: UserJson[] }>('/api/v1/users')).body.items.map((u) => u.id);
    expect(ids).toEqual([boss.id, admin.id, otherAdmin.id]);

    expectError(await viewer.client.get('/api/v1/me'), 401, 'unauthorized');
    expectError(await viewer.client.get('/api/v1/projects'), 401, 'unauthorized');
    expectError(await bot.get('/api/v1/me'), 401, 'invalid_token');
    const login = await new ApiClient(server.url).post('/api/v1/auth/login', {
      email: viewer.email,
      password: viewer.password,
    });
    expectError(login, 401, 'invalid_credentials');
    const sessions = await server.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', viewer.id)
      .execute();
    expect(sessions).toEqual([]);
    expectError(await admin.client.delete(`/api/v1/users/${viewer.id}`), 404, 'not_found');
  });

  it('lets an owner remove an admin', async () => {
    const boss = await newAccount();
    const admin = await join(boss.client, 'admin');
    expect((await boss.client.delete(`/api/v1/users/${admin.id}`)).status).toBe(204);
    expectError(await admin.client.get('/api/v1/me'), 401, 'unauthorized');
  });
});

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
