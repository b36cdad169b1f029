import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './helpers/assert.js';
import { ApiClient, joinAccount, signUp } from './helpers/client.js';
import { startTestServer, type TestServer } from './helpers/server.js';

interface ProjectJson {
  id: string;
  name: string;
  domains: string[];
  timezone: string;
  currency: string;
  siteKey: string;
  apiKey: string | null;
  snippet: string;
  lastHitAt: string | null;
  createdAt: string;
  updatedAt: string;
}

let server: TestServer;
let owner: ApiClient;
let admin: ApiClient;
let viewer: ApiClient;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const join = async (role: 'admin' | 'viewer') =>
  (await joinAccount(owner, role, { name: role === 'admin' ? 'Мария Админова' : 'Пётр Смотров' })).client;

beforeAll(async () => {
  server = await startTestServer();
  ({ client: owner } = await signUp(server.url, { accountName: 'ООО «Уральские самоцветы»' }));
  admin = await join('admin');
  viewer = await join('viewer');
});
afterAll(() => server?.close());

async function create(body: Record<string, unknown>, as: ApiClient = owner): Promise<ProjectJson> {
  const r = await as.post<ProjectJson>('/api/v1/projects', body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

const row = (id: string) =>
  server.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('creating a project', () => {
  it('normalises the domains people paste and folds duplicates', async () => {
    const p = await create({
      name: 'Интернет-магазин камней',
      domains: [
        'https://www.Shop.ru/contacts',
        'магазин.рф',
        'shop.ru',
        '*.shop.ru',
        'SHOP.RU.',
        'https://МАГАЗИН.РФ/каталог',
        'ekb.shop.ru:8080',
      ],
    });
    expect(p.domains).toEqual(['shop.ru', 'xn--80aairftm.xn--p1ai', 'ekb.shop.ru']);
    expect((await row(p.id)).domains).toEqual(['shop.ru', 'xn--80aairftm.xn--p1ai', 'ekb.shop.ru']);
  });

  it('answers the full project with keys, the install snippet and no hits yet', async () => {
    const p = await create({ name: '  Самоцветы  ', domains: ['samocvety.ru'] });
    expect(p.id).toMatch(UUID);
    expect(p.name).toBe('Самоцветы');
    expect(p.siteKey).toMatch(/^pk_[\w-]{16}$/);
    expect(p.apiKey).toMatch(/^sk_[\w-]{43}$/);
    expect(p.snippet).toBe(`<script async src="${server.url}/t.js" data-site="${p.siteKey}"></script>`);
    expect(p.lastHitAt).toBeNull();
    expect(Date.parse(p.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(p.updatedAt).toBe(p.createdAt);
    expect((await owner.get<ProjectJson>(`/api/v1/projects/${p.id}`)).body).toEqual(p);
  });

  it('gives every project its own keys', async () => {
    const one = await create({ name: 'Первый', domains: ['one.ru'] });
    const two = await create({ name: 'Второй', domains: ['one.ru'] });
    expect(one.siteKey).not.toBe(two.siteKey);
    expect(one.apiKey).not.toBe(two.apiKey);
  });

  it("takes time zone and currency from the account unless given, and keeps them when the account's change", async () => {
    const moscow = await create({ name: 'До переезда', domains: ['before.ru'] });
    expect(moscow).toMatchObject({ timezone: 'Europe/Moscow', currency: 'RUB' });

    const acc = await owner.patch('/api/v1/account', { timezone: 'Asia/Yekaterinburg', currency: 'kzt' });
    expect(acc.status).toBe(200);
    expect(acc.body).toMatchObject({ timezone: 'Asia/Yekaterinburg', currency: 'KZT' });

    const inherited = await create({ name: 'Екатеринбург', domains: ['ekb.ru'] });
    expect(inherited).toMatchObject({ timezone: 'Asia/Yekaterinburg', currency: 'KZT' });
    expect(await row(inherited.id)).toMatchObject({ timezone: 'Asia/Yekaterinburg', currency: 'KZT' });

    const explicit = await create({
      name: 'Новосибирск',
      domains: ['nsk.ru'],
      timezone: 'Asia/Novosibirsk',
      currency: 'usd',
    });
    expect(explicit).toMatchObject({ timezone: 'Asia/Novosibirsk', currency: 'USD' });

    // An existing project keeps what it was created with.
    expect((await owner.get<ProjectJson>(`/api/v1/projects/${moscow.id}`)).body).toMatchObject({
      timezone: 'Europe/Moscow',
      currency: 'RUB',
    });
    expect(
      (await owner.patch('/api/v1/account', { timezone: 'Europe/Moscow', currency: 'RUB' })).status,
    ).toBe(200);
  });

  it('lists live projects in creation order', async () => {
    const first = await create({ name: 'Раньше', domains: ['earlier.ru'] });
    const second = await create({ name: 'Позже', domains: ['later.ru'] });
    const ids = (await owner.get<{ items: ProjectJson[] }>('/api/v1/projects')).body.items.map((p) => p.id);
    expect(ids.indexOf(first.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(second.id)).toBeGreaterThan(ids.indexOf(first.id));
  });
});

describe('changing a project', () => {
  it.each<[string, Record<string, unknown>, Partial<ProjectJson>]>([
    ['name', { name: 'Новое имя «Самоцветы»' }, { name: 'Новое имя «Самоцветы»' }],
    [
      'domains',
      { domains: ['https://www.Новый-Магазин.рф/', 'new-shop.ru', 'www.new-shop.ru'] },
      { domains: ['xn----8sbafhzhc2agjc4o.xn--p1ai', 'new-shop.ru'] },
    ],
    ['timezone', { timezone: 'Asia/Vladivostok' }, { timezone: 'Asia/Vladivostok' }],
    ['currency', { currency: 'eur' }, { currency: 'EUR' }],
  ])('changes only the %s', async (_field, patch, expected) => {
    const before = await create({ name: 'Исходный', domains: ['source.ru'], timezone: 'Europe/Samara' });
    await new Promise((r) => setTimeout(r, 5));
    const r = await owner.patch<ProjectJson>(`/api/v1/projects/${before.id}`, patch);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const { updatedAt, ...rest } = r.body;
    const { updatedAt: oldUpdatedAt, ...oldRest } = before;
    expect(rest).toEqual({ ...oldRest, ...expected });
    expect(Date.parse(updatedAt)).toBeGreaterThan(Date.parse(oldUpdatedAt));
    expect((await owner.get<ProjectJson>(`/api/v1/projects/${before.id}`)).body).toEqual(r.body);
  });

  it('changes several fields at once and accepts an empty change', async () => {
    const p = await create({ name: 'Много полей', domains: ['many.ru'] });
    const r = await owner.patch<ProjectJson>(`/api/v1/projects/${p.id}`, {
      name: 'Много полей — 2',
      domains: ['many2.ru'],
      timezone: 'Asia/Omsk',
      currency: 'BYN',
    });
    expect(r.body).toMatchObject({
      name: 'Много полей — 2',
      domains: ['many2.ru'],
      timezone: 'Asia/Omsk',
      currency: 'BYN',
      siteKey: p.siteKey,
      apiKey: p.apiKey,
    });
    const empty = await owner.patch<ProjectJson>(`/api/v1/projects/${p.id}`, {});
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ name: 'Много полей — 2', domains: ['many2.ru'] });
  });
});

describe('keys', () => {
  it('rotates the site key: a new one, the API key kept, the snippet follows', async () => {
    const p = await create({ name: 'Ротация сайта', domains: ['rotate.ru'] });
    const r = await owner.post<ProjectJson>(`/api/v1/projects/${p.id}/site-key/rotate`);
    expect(r.status).toBe(200);
    expect(r.body.siteKey).toMatch(/^pk_/);
    expect(r.body.siteKey).not.toBe(p.siteKey);
    expect(r.body.apiKey).toBe(p.apiKey);
    expect(r.body.snippet).toBe(
      `<script async src="${server.url}/t.js" data-site="${r.body.siteKey}"></script>`,
    );
    const stored = await row(p.id);
    expect(stored.site_key).toBe(r.body.siteKey);
    expect(stored.api_key_hash).toBe(sha256(p.apiKey ?? ''));
    expect((await owner.get<ProjectJson>(`/api/v1/projects/${p.id}`)).body.siteKey).toBe(r.body.siteKey);
  });

  it('rotates the API key: a new one, the site key kept, the old hash gone', async () => {
    const p = await create({ name: 'Ротация ключа', domains: ['rotate-api.ru'] });
    const before = await row(p.id);
    const r = await owner.post<ProjectJson>(`/api/v1/projects/${p.id}/api-key/rotate`);
    expect(r.status).toBe(200);
    expect(r.body.apiKey).toMatch(/^sk_/);
    expect(r.body.apiKey).not.toBe(p.apiKey);
    expect(r.body.siteKey).toBe(p.siteKey);
    expect(r.body.snippet).toBe(p.snippet);
    const after = await row(p.id);
    expect(after.api_key_hash).toBe(sha256(r.body.apiKey ?? ''));
    expect(after.api_key_enc).not.toBe(before.api_key_enc);
    const oldHash = await server.db
      .selectFrom('projects')
      .select('id')
      .where('api_key_hash', '=', sha256(p.apiKey ?? ''))
      .execute();
    expect(oldHash).toEqual([]);
    expect((await owner.get<ProjectJson>(`/api/v1/projects/${p.id}`)).body.apiKey).toBe(r.body.apiKey);
  });

  it('keeps the API key encrypted at rest', async () => {
    const p = await create({ name: 'Шифрование', domains: ['crypto.ru'] });
    const twin = await create({ name: 'Шифрование-2', domains: ['crypto.ru'] });
    const key = p.apiKey ?? '';
    expect(key.length).toBeGreaterThan(20);
    const stored = await row(p.id);
    expect(stored.api_key_enc).not.toContain(key);
    expect(stored.api_key_enc).not.toContain(key.slice(3)); // not even without the sk_ prefix
    expect(stored.api_key_enc).not.toContain(Buffer.from(key).toString('base64url'));
    expect(stored.api_key_enc).not.toContain(Buffer.from(key).toString('base64'));
    expect(stored.api_key_enc).not.toContain(Buffer.from(key).toString('hex'));
    expect(stored.api_key_hash).not.toBe(key);
    expect(stored.api_key_hash).not.toContain(key.slice(3));
    expect(stored.api_key_hash).toBe(sha256(key));
    expect((await row(twin.id)).api_key_enc).not.toBe(stored.api_key_enc);
    // No column of the row holds the plain key.
    expect(JSON.stringify(stored)).not.toContain(key.slice(3));
  });
});

describe('deleting a project', () => {
  it('answers 204, then 404 everywhere, and keeps the row with deleted_at', async () => {
    const p = await create({ name: 'Удаляемый', domains: ['delete.ru'] });
    const keep = await create({ name: 'Остающийся', domains: ['keep.ru'] });
    const del = await owner.delete(`/api/v1/projects/${p.id}`);
    expect(del.status).toBe(204);
    expect(del.body).toBe('');

    expectError(await owner.get(`/api/v1/projects/${p.id}`), 404, 'not_found');
    const list = await owner.get<{ items: ProjectJson[] }>('/api/v1/projects');
    expect(list.body.items.map((x) => x.id)).not.toContain(p.id);
    expect(list.body.items.map((x) => x.id)).toContain(keep.id);
    expectError(await owner.patch(`/api/v1/projects/${p.id}`, { name: 'Воскрешённый' }), 404, 'not_found');
    expectError(await owner.post(`/api/v1/projects/${p.id}/site-key/rotate`), 404, 'not_found');
    expectError(await owner.post(`/api/v1/projects/${p.id}/api-key/rotate`), 404, 'not_found');
    expectError(await owner.delete(`/api/v1/projects/${p.id}`), 404, 'not_found');

    const stored = await row(p.id);
    expect(stored.deleted_at).toBeInstanceOf(Date);
    expect(Date.now() - (stored.deleted_at?.getTime() ?? 0)).toBeLessThan(60_000);
    expect(stored).toMatchObject({ name: 'Удаляемый', site_key: p.siteKey, domains: ['delete.ru'] });
    expect((await row(keep.id)).deleted_at).toBeNull();
  });
});

describe('roles', () => {
  it('lets a viewer read projects without the API key', async () => {
    const p = await create({ name: 'Для наблюдателя', domains: ['viewer.ru'] });
    const one = await viewer.get<ProjectJson>(`/api/v1/projects/${p.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ ...p, apiKey: null });
    expect(one.body.snippet).toContain(p.siteKey);
    const list = await viewer.get<{ items: ProjectJson[] }>('/api/v1/projects');
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const item of list.body.items) {
      expect(item.apiKey).toBeNull();
      expect(item.siteKey).toMatch(/^pk_/);
    }
    expect(JSON.stringify(list.body)).not.toContain(p.apiKey ?? 'sk_');
  });

  it('refuses every change by a viewer with 403 forbidden and changes nothing', async () => {
    const p = await create({ name: 'Неприкосновенный', domains: ['untouchable.ru'] });
    const before = await server.db.selectFrom('projects').selectAll().orderBy('id').execute();
    const calls: Array<[string, string, unknown]> = [
      ['POST', '/api/v1/projects', { name: 'От наблюдателя', domains: ['viewer-made.ru'] }],
      ['PATCH', `/api/v1/projects/${p.id}`, { name: 'Изменено наблюдателем' }],
      ['DELETE', `/api/v1/projects/${p.id}`, undefined],
      ['POST', `/api/v1/projects/${p.id}/site-key/rotate`, undefined],
      ['POST', `/api/v1/projects/${p.id}/api-key/rotate`, undefined],
    ];
    for (const [method, path, body] of calls) {
      const err = expectError(await viewer.request(method, path, body), 403, 'forbidden');
      expect(err.error.message).toBe('Ваша роль не позволяет это действие');
    }
    expect(await server.db.selectFrom('projects').selectAll().orderBy('id').execute()).toEqual(before);
  });

  it('lets an admin create, change, rotate and delete', async () => {
    const p = await create({ name: 'От администратора', domains: ['admin.ru'] }, admin);
    expect(p.apiKey).toMatch(/^sk_/);
    expect((await owner.get<ProjectJson>(`/api/v1/projects/${p.id}`)).body.name).toBe('От администратора');
    expect(
      (await admin.patch<ProjectJson>(`/api/v1/projects/${p.id}`, { name: 'Переименован' })).body.name,
    ).toBe('Переименован');
    const rotated = await admin.post<ProjectJson>(`/api/v1/projects/${p.id}/api-key/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.apiKey).not.toBe(p.apiKey);
    expect((await admin.delete(`/api/v1/projects/${p.id}`)).status).toBe(204);
    expect((await owner.get(`/api/v1/projects/${p.id}`)).status).toBe(404);
  });

  it('requires a sign-in to see anything', async () => {
    const anonymous = new ApiClient(server.url);
    expectError(await anonymous.get('/api/v1/projects'), 401, 'unauthorized');
    expectError(
      await anonymous.post('/api/v1/projects', { name: 'Аноним', domains: ['anon.ru'] }),
      401,
      'unauthorized',
    );
  });
});
