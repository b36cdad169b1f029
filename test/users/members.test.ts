// Members of an account: invitations, roles, removal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/assert.js';
import { ApiClient } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  accountHelpers,
  email,
  type InvitationJson,
  type Me,
  PASSWORD,
  tokenOf,
  type UserJson,
} from './fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());
const { newAccount, invite, join, owners } = accountHelpers(() => server);

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
