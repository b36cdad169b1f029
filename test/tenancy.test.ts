import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './helpers/assert.js';
import { type ApiClient, type ErrorReply, joinAccount, signUp } from './helpers/client.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;

interface Tenant {
  owner: ApiClient;
  ownerId: string;
  accountId: string;
  /** a second user of the account: a viewer who came by invitation */
  viewer: ApiClient;
  viewerId: string;
  projectIds: string[];
  /** an open (not yet accepted) invitation */
  invitationId: string;
  tokenId: string;
  token: string;
}

const PASSWORD = 'пароль-надёжный-123';

async function setUpTenant(accountName: string, projects: string[], tag: string): Promise<Tenant> {
  const { client: owner, userId: ownerId, accountId } = await signUp(server.url, { accountName });
  const projectIds: string[] = [];
  for (const [i, name] of projects.entries()) {
    const r = await owner.post<{ id: string }>('/api/v1/projects', { name, domains: [`site${i}.${tag}.ru`] });
    expect(r.status).toBe(201);
    projectIds.push(r.body.id);
  }
  const { client: viewer, userId: viewerId } = await joinAccount(owner, 'viewer', {
    email: `viewer.${tag}.${Date.now()}@example.ru`,
    password: PASSWORD,
    name: 'Наблюдатель',
  });
  const open = await owner.post<{ id: string }>('/api/v1/invitations', {
    email: `admin.${tag}.${Date.now()}@example.ru`,
    role: 'admin',
  });
  expect(open.status).toBe(201);
  const token = await owner.post<{ id: string; token: string }>('/api/v1/tokens', { name: `скрипт ${tag}` });
  expect(token.status).toBe(201);
  return {
    owner,
    ownerId,
    accountId,
    viewer,
    viewerId,
    projectIds,
    invitationId: open.body.id,
    tokenId: token.body.id,
    token: token.body.token,
  };
}

let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  server = await startTestServer();
  a = await setUpTenant('ООО «Ромашка»', ['Интернет-магазин цветов', 'Лендинг доставки'], 'romashka');
  b = await setUpTenant('АО «Северсталь-Сервис»', ['Каталог металлопроката', 'Сервис +7 800'], 'severstal');
});
afterAll(() => server?.close());

/** Every row that belongs to the account, straight from the database. */
async function rowsOf(t: Tenant) {
  const db = server.db;
  const users = await db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', t.accountId)
    .orderBy('id')
    .execute();
  const userIds = users.map((u) => u.id);
  return {
    account: await db.selectFrom('accounts').selectAll().where('id', '=', t.accountId).execute(),
    users,
    projects: await db
      .selectFrom('projects')
      .selectAll()
      .where('account_id', '=', t.accountId)
      .orderBy('id')
      .execute(),
    invitations: await db
      .selectFrom('invitations')
      .selectAll()
      .where('account_id', '=', t.accountId)
      .orderBy('id')
      .execute(),
    tokens: await db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', 'in', userIds)
      .orderBy('id')
      .execute(),
    sessions: await db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', 'in', userIds)
      .orderBy('id')
      .execute(),
  };
}

/** What the account's owner sees through the API. */
async function viewOf(t: Tenant): Promise<Record<string, unknown>> {
  const paths = [
    '/api/v1/me',
    '/api/v1/account',
    '/api/v1/projects',
    '/api/v1/users',
    '/api/v1/invitations',
    '/api/v1/tokens',
    ...t.projectIds.map((id) => `/api/v1/projects/${id}`),
  ];
  const view: Record<string, unknown> = {};
  for (const path of paths) {
    const r = await t.owner.get(path);
    expect(r.status, path).toBe(200);
    view[path] = r.body;
  }
  return view;
}

/** Every call that names a project, user, invitation or token by id, aimed at `victim`'s ids. */
function attacks(victim: Tenant): Array<[method: string, path: string, body?: unknown]> {
  const [p1, p2] = victim.projectIds;
  return [
    ['GET', `/api/v1/projects/${p1}`],
    ['PATCH', `/api/v1/projects/${p1}`, { name: 'Захвачено' }],
    ['PATCH', `/api/v1/projects/${p2}`, { domains: ['evil.ru'], timezone: 'Asia/Tokyo', currency: 'USD' }],
    ['POST', `/api/v1/projects/${p1}/site-key/rotate`],
    ['POST', `/api/v1/projects/${p1}/api-key/rotate`],
    ['DELETE', `/api/v1/projects/${p2}`],
    ['PATCH', `/api/v1/users/${victim.viewerId}`, { role: 'owner' }],
    ['PATCH', `/api/v1/users/${victim.ownerId}`, { role: 'viewer' }],
    ['DELETE', `/api/v1/users/${victim.viewerId}`],
    ['DELETE', `/api/v1/users/${victim.ownerId}`],
    ['DELETE', `/api/v1/invitations/${victim.invitationId}`],
    ['DELETE', `/api/v1/tokens/${victim.tokenId}`],
  ];
}

async function expectAllNotFound(attacker: ApiClient, victim: Tenant): Promise<void> {
  const beforeRows = await rowsOf(victim);
  const beforeView = await viewOf(victim);
  // The snapshot must hold what the attacks aim at, or "unchanged" would prove nothing.
  expect(beforeRows.projects).toHaveLength(2);
  expect(beforeRows.users).toHaveLength(2);
  expect(beforeRows.invitations.filter((i) => i.accepted_at === null)).toHaveLength(1);
  expect(beforeRows.tokens).toHaveLength(1);

  for (const [method, path, body] of attacks(victim)) {
    const r = await attacker.request(method, path, body);
    const err = expectError(r, 404, 'not_found');
    expect(err.error.message, `${method} ${path}`).toBe('Не найдено');
    // Indistinguishable from an id that exists nowhere: no oracle for other tenants' ids.
    const ghostPath = path.replace(/[0-9a-f-]{36}/, randomUUID());
    const ghost = await attacker.request(method, ghostPath, body);
    expect(ghost.status).toBe(404);
    expect(ghost.body).toEqual(r.body);
  }

  expect(await rowsOf(victim)).toEqual(beforeRows);
  expect(await viewOf(victim)).toEqual(beforeView);
}

describe('lists', () => {
  it('show each account only its own projects, users, invitations and tokens', async () => {
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const projects = await self.owner.get<{ items: Array<{ id: string }> }>('/api/v1/projects');
      expect(projects.body.items.map((p) => p.id).sort()).toEqual([...self.projectIds].sort());
      const users = await self.owner.get<{ items: Array<{ id: string }> }>('/api/v1/users');
      expect(users.body.items.map((u) => u.id).sort()).toEqual([self.ownerId, self.viewerId].sort());
      const invitations = await self.owner.get<{ items: Array<{ id: string }> }>('/api/v1/invitations');
      expect(invitations.body.items.map((i) => i.id)).toEqual([self.invitationId]);
      const tokens = await self.owner.get<{ items: Array<{ id: string }> }>('/api/v1/tokens');
      expect(tokens.body.items.map((t) => t.id)).toEqual([self.tokenId]);

      const everything = JSON.stringify([projects.body, users.body, invitations.body, tokens.body]);
      for (const id of [
        ...other.projectIds,
        other.ownerId,
        other.viewerId,
        other.invitationId,
        other.tokenId,
        other.accountId,
      ]) {
        expect(everything).not.toContain(id);
      }
    }
  });

  it('are the same through a Bearer token and for a viewer of the account', async () => {
    const bot = a.owner.withBearer(a.token);
    const viaToken = await bot.get<{ items: Array<{ id: string }> }>('/api/v1/projects');
    expect(viaToken.status).toBe(200);
    expect(viaToken.body.items.map((p) => p.id).sort()).toEqual([...a.projectIds].sort());
    const viaViewer = await a.viewer.get<{ items: Array<{ id: string }> }>('/api/v1/users');
    expect(viaViewer.body.items.map((u) => u.id).sort()).toEqual([a.ownerId, a.viewerId].sort());
    const botUsers = await bot.get<{ items: Array<{ id: string }> }>('/api/v1/users');
    expect(botUsers.body.items.map((u) => u.id).sort()).toEqual([a.ownerId, a.viewerId].sort());
  });

  it('do not leak the other account into /me and /account', async () => {
    const me = await a.owner.get<{ user: { id: string }; account: { id: string; name: string } }>(
      '/api/v1/me',
    );
    expect(me.body.user.id).toBe(a.ownerId);
    expect(me.body.account).toMatchObject({ id: a.accountId, name: 'ООО «Ромашка»' });
    const viaToken = await a.owner.withBearer(a.token).get<{ id: string }>('/api/v1/account');
    expect(viaToken.body.id).toBe(a.accountId);
  });
});

describe("another account's ids", () => {
  it("are 404 for A's owner with a session, and B's data stays as it was", async () => {
    await expectAllNotFound(a.owner, b);
  });

  it("are 404 for A's Bearer token, and B's data stays as it was", async () => {
    await expectAllNotFound(a.owner.withBearer(a.token), b);
  });

  it("are 404, not 403, for A's viewer: the tenant check comes before the role check", async () => {
    await expectAllNotFound(a.viewer, b);
  });

  it('work the other way round too', async () => {
    await expectAllNotFound(b.owner, a);
  });

  it("cannot be reached by putting B's id into the body of A's own calls", async () => {
    const before = await rowsOf(b);
    // Unknown keys are refused, so no account_id/id can be smuggled into a create or an update.
    const create = await a.owner.post<ErrorReply>('/api/v1/projects', {
      name: 'Подмена',
      domains: ['podmena.ru'],
      accountId: b.accountId,
    });
    expectError(create, 400, 'validation_error');
    const patch = await a.owner.patch<ErrorReply>(`/api/v1/projects/${a.projectIds[0]}`, {
      id: b.projectIds[0],
      name: 'Подмена',
    });
    expectError(patch, 400, 'validation_error');
    const account = await a.owner.patch<ErrorReply>('/api/v1/account', { id: b.accountId, name: 'Подмена' });
    expectError(account, 400, 'validation_error');
    expect(await rowsOf(b)).toEqual(before);
  });

  it("B's own session and token keep working after all that", async () => {
    expect((await b.owner.get('/api/v1/me')).status).toBe(200);
    expect((await b.viewer.get('/api/v1/projects')).status).toBe(200);
    const bot = await b.owner.withBearer(b.token).get<{ items: unknown[] }>('/api/v1/projects');
    expect(bot.status).toBe(200);
    expect(bot.body.items).toHaveLength(2);
  });
});

describe('tokens are personal', () => {
  it("a colleague in the same account cannot revoke the owner's token", async () => {
    const r = await a.viewer.delete(`/api/v1/tokens/${a.tokenId}`);
    expectError(r, 404, 'not_found');
    const list = await a.viewer.get<{ items: unknown[] }>('/api/v1/tokens');
    expect(list.body.items).toEqual([]);
    expect((await a.owner.withBearer(a.token).get('/api/v1/me')).status).toBe(200);
  });
});

describe('the same calls on your own ids', () => {
  // The control: the ids used above are real and the calls work for their owner, so the 404s
  // above come from the tenant check and not from a typo in a path.
  it("succeed for B's owner, and leave A untouched", async () => {
    const aBefore = await rowsOf(a);
    const [p1, p2] = b.projectIds;
    const expected: Array<[string, string, unknown, number]> = [
      ['GET', `/api/v1/projects/${p1}`, undefined, 200],
      ['PATCH', `/api/v1/projects/${p1}`, { name: 'Каталог проката' }, 200],
      ['POST', `/api/v1/projects/${p1}/site-key/rotate`, undefined, 200],
      ['POST', `/api/v1/projects/${p1}/api-key/rotate`, undefined, 200],
      ['DELETE', `/api/v1/projects/${p2}`, undefined, 204],
      ['PATCH', `/api/v1/users/${b.viewerId}`, { role: 'admin' }, 200],
      ['DELETE', `/api/v1/users/${b.viewerId}`, undefined, 204],
      ['DELETE', `/api/v1/invitations/${b.invitationId}`, undefined, 204],
      ['DELETE', `/api/v1/tokens/${b.tokenId}`, undefined, 204],
    ];
    for (const [method, path, body, status] of expected) {
      const r = await b.owner.request(method, path, body);
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(status);
    }
    const after = await rowsOf(b);
    expect(after.projects.find((p) => p.id === p2)?.deleted_at).toBeInstanceOf(Date);
    expect(after.users.map((u) => u.id)).toEqual([b.ownerId]);
    expect(after.tokens).toEqual([]);
    expect(await rowsOf(a)).toEqual(aBefore);
  });
});
