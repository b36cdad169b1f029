// One file over 400 lines: one concern, refusing bad input, as tables over every write endpoint.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './helpers/assert.js';
import { ApiClient, type ErrorReply, type Reply, signUp } from './helpers/client.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let owner: ApiClient;
let projectId: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ client: owner } = await signUp(server.url, { accountName: 'ООО «Торговый дом Волга»' }));
  const p = await owner.post<{ id: string }>('/api/v1/projects', {
    name: 'Магазин',
    domains: ['volga-td.ru'],
  });
  expect(p.status).toBe(201);
  projectId = p.body.id;
});
afterAll(() => server?.close());

interface Endpoint {
  name: string;
  method: string;
  path: () => string;
  /** a body the endpoint accepts, so each case changes one thing */
  valid: () => Record<string, unknown>;
  /** signed out for sign-up and sign-in, the owner's session otherwise */
  client: () => ApiClient;
  /** wrong types, each with the field the error must name */
  wrongTypes: Array<[body: Record<string, unknown>, path: string]>;
}

let seq = 0;
const freshEmail = () => `novyi.${++seq}.${Date.now()}@example.ru`;
const anonymous = () => new ApiClient(server.url);

const endpoints: Endpoint[] = [
  {
    name: 'sign-up',
    method: 'POST',
    path: () => '/api/v1/auth/signup',
    valid: () => ({ email: freshEmail(), password: 'пароль-надёжный-123', accountName: 'ИП Соколов' }),
    client: anonymous,
    wrongTypes: [
      [{ email: 79161234567 }, 'body.email'],
      [{ email: 'не-почта' }, 'body.email'],
      [{ password: null }, 'body.password'],
      [{ password: 'короткий' }, 'body.password'],
      [{ accountName: ['ИП Соколов'] }, 'body.accountName'],
      [{ accountName: { ru: 'ИП Соколов' } }, 'body.accountName'],
      [{ accountName: '   ' }, 'body.accountName'],
      [{ name: 42 }, 'body.name'],
      [{ language: 'de' }, 'body.language'],
      [{ timezone: 'Москва' }, 'body.timezone'],
      [{ timezone: 3 }, 'body.timezone'],
      [{ currency: 'рубль' }, 'body.currency'],
      [{ currency: 'XYZ' }, 'body.currency'],
    ],
  },
  {
    name: 'sign-in',
    method: 'POST',
    path: () => '/api/v1/auth/login',
    valid: () => ({ email: 'nobody@example.ru', password: 'пароль-надёжный-123' }),
    client: anonymous,
    wrongTypes: [
      [{ email: 5 }, 'body.email'],
      [{ email: ['nobody@example.ru'] }, 'body.email'],
      [{ password: null }, 'body.password'],
      [{ password: '' }, 'body.password'],
    ],
  },
  {
    name: 'project create',
    method: 'POST',
    path: () => '/api/v1/projects',
    valid: () => ({ name: 'Доставка цветов', domains: ['cvety-volga.ru'] }),
    client: () => owner,
    wrongTypes: [
      [{ name: 42 }, 'body.name'],
      [{ name: null }, 'body.name'],
      [{ name: '' }, 'body.name'],
      [{ name: 'Я'.repeat(201) }, 'body.name'],
      [{ domains: 'cvety-volga.ru' }, 'body.domains'],
      [{ domains: null }, 'body.domains'],
      [{ domains: { 0: 'cvety-volga.ru' } }, 'body.domains'],
      [{ domains: [] }, 'body.domains'],
      [{ domains: [42] }, 'body.domains.0'],
      [{ domains: ['cvety-volga.ru', 'не домен'] }, 'body.domains.1'],
      [{ timezone: 'Asia/Екатеринбург' }, 'body.timezone'],
      [{ timezone: null }, 'body.timezone'],
      [{ currency: 643 }, 'body.currency'],
      [{ currency: 'RUR' }, 'body.currency'],
    ],
  },
  {
    name: 'project update',
    method: 'PATCH',
    path: () => `/api/v1/projects/${projectId}`,
    valid: () => ({ name: 'Магазин на Волге' }),
    client: () => owner,
    wrongTypes: [
      [{ name: 42 }, 'body.name'],
      [{ name: null }, 'body.name'],
      [{ domains: 'volga-td.ru' }, 'body.domains'],
      [{ domains: [null] }, 'body.domains.0'],
      [{ timezone: 'Mars/Olympus' }, 'body.timezone'],
      [{ currency: ['RUB'] }, 'body.currency'],
    ],
  },
  {
    name: 'token create',
    method: 'POST',
    path: () => '/api/v1/tokens',
    valid: () => ({ name: 'Выгрузка в 1С' }),
    client: () => owner,
    wrongTypes: [
      [{ name: 42 }, 'body.name'],
      [{ name: null }, 'body.name'],
      [{ name: ['Выгрузка'] }, 'body.name'],
      [{ name: '' }, 'body.name'],
      [{ name: 'т'.repeat(101) }, 'body.name'],
    ],
  },
  {
    name: 'invitation create',
    method: 'POST',
    path: () => '/api/v1/invitations',
    valid: () => ({ email: freshEmail(), role: 'viewer' }),
    client: () => owner,
    wrongTypes: [
      [{ email: 79031234567 }, 'body.email'],
      [{ email: 'менеджер' }, 'body.email'],
      [{ role: 'owner' }, 'body.role'],
      [{ role: 1 }, 'body.role'],
      [{ role: null }, 'body.role'],
    ],
  },
  {
    name: 'account update',
    method: 'PATCH',
    path: () => '/api/v1/account',
    valid: () => ({ name: 'ООО «Торговый дом Волга-Дон»' }),
    client: () => owner,
    wrongTypes: [
      [{ name: 1 }, 'body.name'],
      [{ name: null }, 'body.name'],
      [{ name: '' }, 'body.name'],
      [{ timezone: 'Москва' }, 'body.timezone'],
      [{ timezone: 180 }, 'body.timezone'],
      [{ currency: 'рубль' }, 'body.currency'],
      [{ currency: 'ABC' }, 'body.currency'],
      [{ language: 'de' }, 'body.language'],
    ],
  },
  {
    name: 'profile update',
    method: 'PATCH',
    path: () => '/api/v1/me',
    valid: () => ({ name: 'Ольга Кузнецова' }),
    client: () => owner,
    wrongTypes: [
      [{ name: 5 }, 'body.name'],
      [{ name: null }, 'body.name'],
      [{ language: 'fr' }, 'body.language'],
      [{ password: 'новый-пароль-123' }, 'body.password'],
      [{ password: { current: 'пароль-надёжный-123', new: 'короткий' } }, 'body.password.new'],
      [{ password: { current: '', new: 'новый-пароль-надёжный' } }, 'body.password.current'],
      [{ password: { current: 'пароль-надёжный-123', new: 12345678901 } }, 'body.password.new'],
    ],
  },
];

function detailPaths(err: ErrorReply): string[] {
  const details = err.error.details as Array<{ path: string; message: string }>;
  expect(Array.isArray(details)).toBe(true);
  for (const d of details) {
    expect(typeof d.message).toBe('string');
    expect(d.message.length).toBeGreaterThan(0);
  }
  return details.map((d) => d.path);
}

/**
 * The whole database as far as these endpoints can write it, in one round trip: every row of the
 * tables they create or change, and the counts of sessions and sign-in failures.
 */
async function dbState(): Promise<unknown> {
  const rows = (table: string) =>
    sql.raw(`(select coalesce(json_agg(t order by t.id), '[]') from ${table} t)`);
  const r = await sql<{ state: unknown }>`select json_build_object(
    'accounts', ${rows('accounts')},
    'users', ${rows('users')},
    'projects', ${rows('projects')},
    'invitations', ${rows('invitations')},
    'api_tokens', ${rows('api_tokens')},
    'sessions', (select count(*) from sessions),
    'auth_failures', (select count(*) from auth_failures)
  ) as state`.execute(server.db);
  return r.rows[0]?.state;
}

/** Sends a request that must be refused, checks the error shape, and that nothing was written. */
async function refused(
  send: () => Promise<Reply<unknown>>,
  status: number,
  code: string,
): Promise<ErrorReply> {
  const before = await dbState();
  const err = expectError(await send(), status, code);
  expect(await dbState()).toEqual(before);
  return err;
}

it('the database snapshot notices a write, so "nothing was written" below means something', async () => {
  const before = await dbState();
  expect(JSON.stringify(before)).toContain('volga-td.ru');
  const t = await owner.post<{ id: string }>('/api/v1/tokens', { name: 'проверка снимка' });
  expect(t.status).toBe(201);
  const after = await dbState();
  expect(after).not.toEqual(before);
  expect(JSON.stringify(after)).toContain(t.body.id);
});

describe.each(endpoints)('$name', (ep) => {
  const send = (raw: string, contentType = 'application/json') =>
    ep.client().request(ep.method, ep.path(), undefined, { raw, headers: { 'content-type': contentType } });

  it('accepts the valid body this suite starts from', async () => {
    const r = await ep.client().request(ep.method, ep.path(), ep.valid());
    // sign-in of an unknown user is a 401, which still proves the body passed validation
    expect(r.status, JSON.stringify(r.body)).toBe(
      ep.name === 'sign-in' ? 401 : ep.method === 'POST' ? 201 : 200,
    );
  });

  it.each([
    ['a cut-off object', '{"name": "Ромашка",'],
    ['single quotes', "{'name': 'Ромашка'}"],
    ['a trailing comma', '{"name": "Ромашка",}'],
    ['plain words', 'не JSON вовсе'],
  ])('answers malformed JSON (%s) with 400 invalid_json', async (_label, raw) => {
    const err = await refused(() => send(raw), 400, 'invalid_json');
    expect(err.error.message).toBe('Тело запроса не является корректным JSON');
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['an array of the object', 'VALID_IN_ARRAY'],
    ['a string', '"Ромашка"'],
    ['a number', '42'],
    ['nothing', ''],
  ])('answers a body that is %s with 400 validation_error at body', async (_label, raw) => {
    const payload = raw === 'VALID_IN_ARRAY' ? JSON.stringify([ep.valid()]) : raw;
    const err = await refused(() => send(payload), 400, 'validation_error');
    expect(detailPaths(err)).toEqual(['body']);
  });

  it('answers wrong types and values with 400 validation_error naming the field', async () => {
    for (const [over, path] of ep.wrongTypes) {
      const body = { ...ep.valid(), ...over };
      const err = await refused(
        () => ep.client().request(ep.method, ep.path(), body),
        400,
        'validation_error',
      );
      expect(detailPaths(err), JSON.stringify(over)).toContain(path);
    }
  });

  it('refuses unknown fields and names them', async () => {
    const err = await refused(
      () =>
        ep.client().request(ep.method, ep.path(), {
          ...ep.valid(),
          isAdmin: true,
          account_id: '00000000-0000-0000-0000-000000000000',
        }),
      400,
      'validation_error',
    );
    expect(detailPaths(err)).toEqual(['body']);
    const message = (err.error.details as Array<{ message: string }>)[0]?.message ?? '';
    expect(message).toContain('isAdmin');
    expect(message).toContain('account_id');
  });

  it('answers a 1 MB body with 413 payload_too_large', async () => {
    const raw = JSON.stringify({ ...ep.valid(), name: 'Ж'.repeat(512 * 1024) });
    expect(Buffer.byteLength(raw)).toBeGreaterThan(1024 * 1024);
    const err = await refused(() => send(raw), 413, 'payload_too_large');
    expect(err.error.message).toContain('65536');
  });

  it('answers form-urlencoded with 415 unsupported_media_type', async () => {
    const raw = new URLSearchParams(
      Object.entries(ep.valid()).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    const err = await refused(
      () => send(raw, 'application/x-www-form-urlencoded'),
      415,
      'unsupported_media_type',
    );
    expect(err.error.message).toContain('application/x-www-form-urlencoded');
  });

  it('refuses a JSON document sent as text/plain without writing anything', async () => {
    const before = await dbState();
    const r = await send(JSON.stringify(ep.valid()), 'text/plain');
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expectError(r, r.status, (r.body as ErrorReply).error.code);
    expect(await dbState()).toEqual(before);
  });

  it('answers text/plain with 415 unsupported_media_type', async () => {
    const r = await send(JSON.stringify(ep.valid()), 'text/plain; charset=utf-8');
    expectError(r, 415, 'unsupported_media_type');
  });

  it('answers English when asked', async () => {
    const r = await new ApiClient(server.url, { headers: { 'accept-language': 'en' } }).request(
      ep.method,
      ep.path(),
      undefined,
      { raw: '{', headers: ep.client().cookie ? { cookie: ep.client().cookie ?? '' } : {} },
    );
    expect(expectError(r, 400, 'invalid_json').error.message).toBe('Request body is not valid JSON');
  });
});

describe('text fields that PostgreSQL cannot store', () => {
  it.each<[string, string, () => string, () => Record<string, unknown>, string]>([
    [
      'POST',
      'project name',
      () => '/api/v1/projects',
      () => ({ name: 'Ро\u0000машка', domains: ['a.ru'] }),
      'body.name',
    ],
    ['PATCH', 'project name', () => `/api/v1/projects/${projectId}`, () => ({ name: '\u0000' }), 'body.name'],
    ['POST', 'token name', () => '/api/v1/tokens', () => ({ name: 'ключ\u0000' }), 'body.name'],
    [
      'POST',
      'invitation e-mail',
      () => '/api/v1/invitations',
      () => ({ email: 'a\u0000b@example.ru', role: 'viewer' }),
      'body.email',
    ],
    ['PATCH', 'account name', () => '/api/v1/account', () => ({ name: 'ООО\u0000' }), 'body.name'],
    ['PATCH', 'user name', () => '/api/v1/me', () => ({ name: 'Ива\u0000н' }), 'body.name'],
  ])('%s: a NUL character in the %s is a 400, not a 500', async (method, _label, path, body, field) => {
    const err = await refused(() => owner.request(method, path(), body()), 400, 'validation_error');
    expect(detailPaths(err)).toContain(field);
  });

  it('sign-up and sign-in with a NUL character are a 400, not a 500', async () => {
    const signup = await refused(
      () =>
        anonymous().post('/api/v1/auth/signup', {
          email: freshEmail(),
          password: 'пароль-надёжный-123',
          accountName: 'ИП\u0000Петров',
        }),
      400,
      'validation_error',
    );
    expect(detailPaths(signup)).toEqual(['body.accountName']);
    const login = await refused(
      () =>
        anonymous().post('/api/v1/auth/login', {
          email: 'x\u0000@example.ru',
          password: 'пароль-надёжный-123',
        }),
      400,
      'validation_error',
    );
    expect(detailPaths(login)).toEqual(['body.email']);
  });
});

describe('ids in the path', () => {
  it.each([
    ['GET', '/api/v1/projects/123'],
    ['GET', '/api/v1/projects/not-a-uuid'],
    ['PATCH', '/api/v1/projects/00000000-0000-0000-0000-00000000000g'],
    ['DELETE', "/api/v1/projects/1'%20OR%20'1'='1"],
    ['POST', '/api/v1/projects/%D0%BF%D1%80%D0%BE%D0%B5%D0%BA%D1%82/site-key/rotate'],
    ['POST', '/api/v1/projects/12345/api-key/rotate'],
    ['PATCH', '/api/v1/users/abc'],
    ['DELETE', '/api/v1/users/abc'],
    ['DELETE', '/api/v1/invitations/abc'],
    ['DELETE', '/api/v1/tokens/abc'],
  ])('%s %s: an invalid uuid is 400 validation_error at params.id', async (method, path) => {
    const body =
      method === 'PATCH' ? (path.includes('users') ? { role: 'viewer' } : { name: 'X' }) : undefined;
    const err = await refused(() => owner.request(method, path, body), 400, 'validation_error');
    expect(detailPaths(err)).toEqual(['params.id']);
  });
});

describe('hostile and international text is data', () => {
  const strings = [
    "'; DROP TABLE projects; --",
    "1' OR '1'='1",
    'Robert"); DELETE FROM users; --',
    '<script>alert("лид")</script>',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder is the point
    '${process.env.SECRET_KEY}',
    'Кофейня «Зёрна» ☕🚀',
    'Семья 👨‍👩‍👧‍👦 и флаг 🇷🇺',
    'Ёжик в тумане — ООО «Ёлка» №1',
  ];

  it.each(strings)('stores and returns %j verbatim everywhere', async (text) => {
    const project = await owner.post<{ id: string; name: string }>('/api/v1/projects', {
      name: text,
      domains: ['verbatim.ru'],
    });
    expect(project.status).toBe(201);
    expect(project.body.name).toBe(text);
    expect((await owner.get<{ name: string }>(`/api/v1/projects/${project.body.id}`)).body.name).toBe(text);
    const row = await server.db
      .selectFrom('projects')
      .select('name')
      .where('id', '=', project.body.id)
      .executeTakeFirstOrThrow();
    expect(row.name).toBe(text);

    const renamed = await owner.patch<{ name: string }>(`/api/v1/projects/${project.body.id}`, {
      name: `${text} 2`,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe(`${text} 2`);

    const token = await owner.post<{ name: string }>('/api/v1/tokens', { name: text });
    expect(token.status).toBe(201);
    expect(token.body.name).toBe(text);

    const account = await owner.patch<{ name: string }>('/api/v1/account', { name: text });
    expect(account.status).toBe(200);
    expect(account.body.name).toBe(text);

    const me = await owner.patch<{ user: { name: string } }>('/api/v1/me', { name: text });
    expect(me.status).toBe(200);
    expect(me.body.user.name).toBe(text);
    const again = await owner.get<{ user: { name: string }; account: { name: string } }>('/api/v1/me');
    expect(again.body.user.name).toBe(text);
    expect(again.body.account.name).toBe(text);
  });

  it('signs up with such an account name and it comes back verbatim', async () => {
    const c = anonymous();
    const r = await c.post<{ account: { name: string } }>('/api/v1/auth/signup', {
      email: freshEmail(),
      password: 'пароль-надёжный-123',
      accountName: "ООО 'Рога и копыта'; DROP TABLE accounts; --",
      name: "Остап' OR '1'='1",
    });
    expect(r.status).toBe(201);
    expect(r.body.account.name).toBe("ООО 'Рога и копыта'; DROP TABLE accounts; --");
    const me = await c.get<{ user: { name: string } }>('/api/v1/me');
    expect(me.body.user.name).toBe("Остап' OR '1'='1");
  });

  it('leaves every table working', async () => {
    for (const table of [
      'accounts',
      'users',
      'sessions',
      'api_tokens',
      'invitations',
      'projects',
      'auth_failures',
    ] as const) {
      const r = await server.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(r.n), table).toBeGreaterThanOrEqual(0);
    }
    const projects = await owner.get<{ items: Array<{ name: string }> }>('/api/v1/projects');
    expect(projects.status).toBe(200);
    expect(projects.body.items.map((p) => p.name)).toContain("'; DROP TABLE projects; -- 2");
    for (const path of ['/api/v1/users', '/api/v1/tokens', '/api/v1/invitations', '/api/v1/account']) {
      expect((await owner.get(path)).status, path).toBe(200);
    }
    const created = await owner.post('/api/v1/projects', { name: 'После всего', domains: ['posle.ru'] });
    expect(created.status).toBe(201);
  });
});

describe('validation details in the caller’s language', () => {
  const details = (r: Reply<unknown>) =>
    ((r.body as ErrorReply).error.details as Array<{ path: string; message: string }>) ?? [];
  const signup = (headers: Record<string, string>, body: Record<string, unknown>) =>
    anonymous().request('POST', '/api/v1/auth/signup', body, { headers });
  const body = { email: 79161234567, password: 'секрет7', accountName: 'ИП Соколов' };

  it('says zod’s own checks in Russian by default and in English when asked', async () => {
    const ru = await signup({}, body);
    expectError(ru, 400, 'validation_error');
    const ruEmail = details(ru).find((d) => d.path === 'body.email')?.message ?? '';
    expect(ruEmail).toMatch(/[а-яё]/i);
    expect(ruEmail).toMatch(/получено число/);
    const en = await signup({ 'accept-language': 'en-GB,en;q=0.9' }, body);
    const enEmail = details(en).find((d) => d.path === 'body.email')?.message ?? '';
    expect(enEmail).not.toMatch(/[а-яё]/i);
    expect(enEmail).toMatch(/received number/);
    expect(details(en).map((d) => d.path)).toEqual(details(ru).map((d) => d.path));
  });

  it('never repeats the submitted values (a password is not echoed)', async () => {
    for (const lang of ['ru', 'en']) {
      const r = await signup({ 'accept-language': lang }, body);
      expect(details(r).some((d) => d.path === 'body.password')).toBe(true);
      expect(JSON.stringify(r.body)).not.toContain('секрет7');
    }
  });

  it('keeps a message a schema words itself', async () => {
    for (const lang of ['ru', 'en']) {
      const r = await owner.request(
        'POST',
        '/api/v1/projects',
        { name: 'Сайт', domains: ['не домен!'] },
        {
          headers: { 'accept-language': lang },
        },
      );
      expectError(r, 400, 'validation_error');
      expect(details(r)).toEqual([{ path: 'body.domains.0', message: '"не домен!" is not a domain name' }]);
    }
  });
});
