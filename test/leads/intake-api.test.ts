import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectJson } from '../../src/projects/serialize.js';
import { expectError } from '../helpers/assert.js';
import { type ApiClient, type Reply, signUp } from '../helpers/client.js';
import { postLead } from '../helpers/leads.js';
import type { TestServer } from '../helpers/server.js';
import { eventsOf, leadCount, startLeadsWorld } from './fixtures.js';

// Leads sent by a site's backend or an offline system: POST /api/v1/leads with the project key.

let server: TestServer;
let owner: ApiClient;
let stranger: ApiClient;
let bearerToken: string;
let project: ProjectJson;
let apiKey: string;

beforeAll(async () => {
  ({ server, owner, stranger, bearerToken, project, apiKey } = await startLeadsWorld());
});
afterAll(() => server?.close());

describe('POST /api/v1/leads (project API key)', () => {
  it('stores a lead with normalised contacts and answers 201', async () => {
    const r = await postLead(server.url, apiKey, {
      type: 'offline',
      contact: { email: ' Ivan.Petrov@Example.RU ', phone: '8 912 345-67-89', name: '  Иван   Петров ' },
      subject: 'Заказ дивана',
      message: 'Позвонил в офис,\nхочет угловой диван',
      externalId: '1С-000123',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      projectId: project.id,
      type: 'offline',
      channel: 'api',
      externalId: '1С-000123',
      contact: { email: 'ivan.petrov@example.ru', phone: '+79123456789', name: 'Иван Петров' },
      subject: 'Заказ дивана',
      message: 'Позвонил в офис,\nхочет угловой диван',
      visitorId: null,
      attributedAt: null,
      isDuplicate: false,
      duplicateOf: null,
    });
    expect(r.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const row = await server.db
      .selectFrom('leads')
      .selectAll()
      .where('id', '=', r.body.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ email: 'ivan.petrov@example.ru', phone: '+79123456789', channel: 'api' });
    expect(await eventsOf(server.db, r.body.id)).toEqual(['lead.created']);
  });

  it('answers 200 with the same lead when the external id repeats, storing one row', async () => {
    const body = { type: 'phone', contact: { phone: '+7 (495) 123-45-67' }, externalId: 'call-777' };
    const first = await postLead(server.url, apiKey, body);
    expect(first.status).toBe(201);
    const again = await postLead(server.url, apiKey, {
      ...body,
      contact: { phone: '+7 (495) 999-99-99', name: 'Другой' },
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.contact.phone).toBe('+74951234567');
    const rows = await server.db
      .selectFrom('leads')
      .select('id')
      .where('project_id', '=', project.id)
      .where('external_id', '=', 'call-777')
      .execute();
    expect(rows).toHaveLength(1);
    expect(await eventsOf(server.db, first.body.id)).toEqual(['lead.created']);
  });

  it.each([
    ['body.contact.name', { contact: { email: 'nul@example.ru', name: 'Иван\u0000' } }],
    ['body.message', { contact: { email: 'nul@example.ru' }, message: 'Перезвоните\u0000' }],
    ['body.subject', { contact: { email: 'nul@example.ru' }, subject: '\u0000' }],
    ['body.externalId', { contact: { email: 'nul@example.ru' }, externalId: 'crm\u0000-1' }],
  ])('refuses U+0000 in %s with 400 naming it, never 500/503 (issue 10)', async (path, fields) => {
    const r = await postLead(server.url, apiKey, { type: 'offline', ...fields });
    const err = expectError(r, 400, 'validation_error');
    expect(err.error.details).toEqual([expect.objectContaining({ path })]);
  });

  it('stores a lone surrogate in a lead’s text as U+FFFD, never 500 (issue 10)', async () => {
    const r = await postLead(server.url, apiKey, {
      type: 'offline',
      contact: { email: 'surrogate@example.ru', name: 'Иван\ud800' },
      message: 'x\udc00',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.contact.name).toBe('Иван\ufffd');
  });

  it('refuses a missing, wrong or rotated key, and cookie or Bearer alone, writing nothing', async () => {
    const body = { type: 'offline', contact: { name: 'Без ключа' } };
    const before = await leadCount(server.db, project.id);
    expectError(await postLead(server.url, null, body), 401, 'invalid_api_key');
    expectError(await postLead(server.url, '', body), 401, 'invalid_api_key');
    expectError(
      await postLead(server.url, 'sk_not_a_real_key_0000000000000000', body),
      401,
      'invalid_api_key',
    );
    expectError(
      await postLead(server.url, null, body, { headers: { authorization: `Bearer ${bearerToken}` } }),
      401,
      'invalid_api_key',
    );
    expectError(await owner.post('/api/v1/leads', body), 401, 'invalid_api_key');
    // A stranger's valid key does not write into this project either.
    const theirs = await stranger.post<ProjectJson>('/api/v1/projects', {
      name: 'Чужой',
      domains: ['chuzhoy.ru'],
    });
    const r = await postLead(server.url, theirs.body.apiKey, body);
    expect(r.status).toBe(201);
    expect(r.body.projectId).toBe(theirs.body.id);

    const rotated = await owner.post<ProjectJson>(`/api/v1/projects/${project.id}/api-key/rotate`);
    expect(rotated.status).toBe(200);
    const oldKey = apiKey;
    apiKey = rotated.body.apiKey ?? '';
    expect(apiKey).not.toBe(oldKey);
    expectError(await postLead(server.url, oldKey, body), 401, 'invalid_api_key');
    expect(await leadCount(server.db, project.id)).toBe(before);
    expect((await postLead(server.url, apiKey, body)).status).toBe(201);
    expect(await leadCount(server.db, project.id)).toBe(before + 1);
  });

  describe('refuses bad input in the error shape and writes nothing', () => {
    const future = () => new Date(Date.now() + 3_600_000).toISOString();
    const cases: Array<[string, () => Promise<Reply<unknown>>, number, string, string | null]> = [
      [
        'malformed JSON',
        () => postLead(server.url, apiKey, null, { raw: '{"type":"offline","contact":' }),
        400,
        'invalid_json',
        null,
      ],
      [
        'an unknown field',
        () => postLead(server.url, apiKey, { type: 'offline', contact: { name: 'Иван' }, price: 100 }),
        400,
        'validation_error',
        'body',
      ],
      [
        'an unknown contact field',
        () => postLead(server.url, apiKey, { type: 'offline', contact: { name: 'Иван', telegram: '@ivan' } }),
        400,
        'validation_error',
        'body.contact',
      ],
      [
        'a wrong type',
        () => postLead(server.url, apiKey, { type: 'visit', contact: { name: 'Иван' } }),
        400,
        'validation_error',
        'body.type',
      ],
      [
        'a number as a phone',
        () => postLead(server.url, apiKey, { type: 'offline', contact: { phone: 79123456789 } }),
        400,
        'validation_error',
        'body.contact.phone',
      ],
      [
        'an invalid e-mail',
        () => postLead(server.url, apiKey, { type: 'offline', contact: { email: 'иван@' } }),
        400,
        'validation_error',
        'body.contact.email',
      ],
      [
        'an invalid phone',
        () => postLead(server.url, apiKey, { type: 'offline', contact: { phone: '+7 912 34' } }),
        400,
        'validation_error',
        'body.contact.phone',
      ],
      [
        'occurredAt in the future',
        () =>
          postLead(server.url, apiKey, { type: 'offline', contact: { name: 'Иван' }, occurredAt: future() }),
        400,
        'validation_error',
        'body.occurredAt',
      ],
      [
        'occurredAt before 2000',
        () =>
          postLead(server.url, apiKey, {
            type: 'offline',
            contact: { name: 'Иван' },
            occurredAt: '0001-01-01T00:00:00Z',
          }),
        400,
        'validation_error',
        'body.occurredAt',
      ],
      [
        'occurredAt on 31 December 1999',
        () =>
          postLead(server.url, apiKey, {
            type: 'offline',
            contact: { name: 'Иван' },
            occurredAt: '1999-12-31T23:59:59+00:00',
          }),
        400,
        'validation_error',
        'body.occurredAt',
      ],
      [
        'an empty contact',
        () => postLead(server.url, apiKey, { type: 'offline', contact: {} }),
        400,
        'validation_error',
        'body.contact',
      ],
      [
        'a contact of blanks',
        () => postLead(server.url, apiKey, { type: 'offline', contact: { name: '   ', email: ' ' } }),
        400,
        'validation_error',
        'body.contact',
      ],
      [
        'a 1 MB body',
        () =>
          postLead(server.url, apiKey, {
            type: 'offline',
            contact: { name: 'Иван' },
            message: 'д'.repeat(512 * 1024),
          }),
        413,
        'payload_too_large',
        null,
      ],
    ];
    it.each(cases)('%s', async (_name, send, status, code, path) => {
      const before = await leadCount(server.db, project.id);
      expectError(await send(), status, code, path ?? undefined);
      expect(await leadCount(server.db, project.id)).toBe(before);
    });
  });
});

describe('X-Api-Key calls from a browser', () => {
  it('are not refused as cross-site when a session cookie comes along', async () => {
    const { client } = await signUp(server.url);
    const p = await client.post<{ apiKey: string }>('/api/v1/projects', {
      name: 'Браузер',
      domains: ['browser.ru'],
    });
    const r = await postLead(
      server.url,
      p.body.apiKey,
      { type: 'chat', contact: { name: 'Чат-бот' } },
      { headers: { cookie: client.cookie ?? '', origin: 'https://browser.ru' } },
    );
    expect(r.status).toBe(201);
  });
});
