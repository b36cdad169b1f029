import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadJson } from '../src/leads/serialize.js';
import type { ProjectJson } from '../src/projects/serialize.js';
import { ApiClient, type ErrorReply, type Reply, signUp } from './helpers/client.js';
import { collect, randomId } from './helpers/collect.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let owner: ApiClient;
let viewer: ApiClient;
let stranger: ApiClient;
let bearerToken: string;
let project: ProjectJson;
let apiKey: string;
const site = 'https://divan-shop.ru';

interface ImportResult {
  imported: number;
  existing: number;
  ignoredColumns: string[];
  leadIds: string[];
}
interface LeadList {
  items: LeadJson[];
  nextCursor: string | null;
}

beforeAll(async () => {
  server = await startTestServer();
  ({ client: owner } = await signUp(server.url, { accountName: 'ООО «Диваны»' }));
  const p = await owner.post<ProjectJson>('/api/v1/projects', {
    name: 'Диваны',
    domains: ['divan-shop.ru'],
    timezone: 'Europe/Moscow',
  });
  expect(p.status).toBe(201);
  project = p.body;
  apiKey = p.body.apiKey ?? '';
  const inv = await owner.post<{ url: string }>('/api/v1/invitations', {
    email: `viewer.${Date.now()}@example.ru`,
    role: 'viewer',
  });
  viewer = new ApiClient(server.url);
  const accepted = await viewer.post(`/api/v1/invite/${inv.body.url.split('/invite/')[1]}/accept`, {
    password: 'пароль-надёжный-123',
    name: 'Наблюдатель',
  });
  expect(accepted.status).toBe(201);
  const token = await owner.post<{ token: string }>('/api/v1/tokens', { name: 'импорт из 1С' });
  bearerToken = token.body.token;
  ({ client: stranger } = await signUp(server.url, { accountName: 'АО «Чужие»' }));
});
afterAll(() => server?.close());

/** Server-to-server lead post: only the project key, no cookie, no Origin. */
async function postLead(
  body: unknown,
  opts: { key?: string | null; headers?: Record<string, string>; raw?: string } = {},
): Promise<Reply<LeadJson & ErrorReply>> {
  const key = opts.key === undefined ? apiKey : opts.key;
  const res = await fetch(`${server.url}/api/v1/leads`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key !== null && { 'x-api-key': key }),
      ...opts.headers,
    },
    body: opts.raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

function expectError(r: Reply<unknown>, status: number, code: string): ErrorReply {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  const body = r.body as ErrorReply;
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body;
}

const leadCount = async (projectId = project.id) =>
  Number(
    (
      await server.db
        .selectFrom('leads')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow()
    ).n,
  );

const eventsOf = async (leadId: string) =>
  (
    await server.db
      .selectFrom('lead_events')
      .select('type')
      .where('lead_id', '=', leadId)
      .orderBy('id')
      .execute()
  ).map((e) => e.type);

const getLead = async (id: string, client = owner) => client.get<LeadJson>(`/api/v1/leads/${id}`);

async function setProject(settings: Record<string, unknown>, id = project.id) {
  const r = await owner.patch<ProjectJson>(`/api/v1/projects/${id}`, settings);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

/** Moves a visitor's history two hours back, so the next hit opens a new visit. */
async function ageVisitor(cid: string) {
  await server.db
    .updateTable('visitors')
    .set({
      last_seen_at: sql`last_seen_at - interval '2 hours'`,
      first_seen_at: sql`first_seen_at - interval '2 hours'`,
    })
    .where('id', '=', cid)
    .execute();
  await server.db
    .updateTable('visits')
    .set({
      started_at: sql`started_at - interval '2 hours'`,
      last_hit_at: sql`last_hit_at - interval '2 hours'`,
    })
    .where('visitor_id', '=', cid)
    .execute();
}

/** A visitor who came from Yandex Direct and came back from Google search. */
async function yandexThenGoogle(cid: string) {
  expect(
    (
      await collect(server.url, {
        site: project.siteKey,
        cid,
        url: `${site}/?utm_source=yandex&utm_medium=cpc&utm_campaign=divany-moskva&utm_term=%D0%BA%D1%83%D0%BF%D0%B8%D1%82%D1%8C+%D0%B4%D0%B8%D0%B2%D0%B0%D0%BD`,
        ref: 'https://yandex.ru/',
        ga: '1234567890.1234567890',
        ym: '1700000000123456789',
      })
    ).status,
  ).toBe(204);
  expect(
    (
      await collect(server.url, {
        site: project.siteKey,
        cid,
        url: `${site}/sofas/1`,
        ref: 'https://www.google.com/',
      })
    ).status,
  ).toBe(204);
}

describe('POST /api/v1/leads (project API key)', () => {
  it('stores a lead with normalised contacts and answers 201', async () => {
    const r = await postLead({
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
    expect(await eventsOf(r.body.id)).toEqual(['lead.created']);
  });

  it('answers 200 with the same lead when the external id repeats, storing one row', async () => {
    const body = { type: 'phone', contact: { phone: '+7 (495) 123-45-67' }, externalId: 'call-777' };
    const first = await postLead(body);
    expect(first.status).toBe(201);
    const again = await postLead({ ...body, contact: { phone: '+7 (495) 999-99-99', name: 'Другой' } });
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
    expect(await eventsOf(first.body.id)).toEqual(['lead.created']);
  });

  it.each([
    ['body.contact.name', { contact: { email: 'nul@example.ru', name: 'Иван\u0000' } }],
    ['body.message', { contact: { email: 'nul@example.ru' }, message: 'Перезвоните\u0000' }],
    ['body.subject', { contact: { email: 'nul@example.ru' }, subject: '\u0000' }],
    ['body.externalId', { contact: { email: 'nul@example.ru' }, externalId: 'crm\u0000-1' }],
  ])('refuses U+0000 in %s with 400 naming it, never 500/503 (issue 10)', async (path, fields) => {
    const r = await postLead({ type: 'offline', ...fields });
    const err = expectError(r, 400, 'validation_error');
    expect(err.error.details).toEqual([expect.objectContaining({ path })]);
  });

  it('stores a lone surrogate in a lead’s text as U+FFFD, never 500 (issue 10)', async () => {
    const r = await postLead({
      type: 'offline',
      contact: { email: 'surrogate@example.ru', name: 'Иван\ud800' },
      message: 'x\udc00',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.contact.name).toBe('Иван\ufffd');
  });

  it('refuses a missing, wrong or rotated key, and cookie or Bearer alone, writing nothing', async () => {
    const body = { type: 'offline', contact: { name: 'Без ключа' } };
    const before = await leadCount();
    expectError(await postLead(body, { key: null }), 401, 'invalid_api_key');
    expectError(await postLead(body, { key: '' }), 401, 'invalid_api_key');
    expectError(await postLead(body, { key: 'sk_not_a_real_key_0000000000000000' }), 401, 'invalid_api_key');
    expectError(
      await postLead(body, { key: null, headers: { authorization: `Bearer ${bearerToken}` } }),
      401,
      'invalid_api_key',
    );
    expectError(await owner.post('/api/v1/leads', body), 401, 'invalid_api_key');
    // A stranger's valid key does not write into this project either.
    const theirs = await stranger.post<ProjectJson>('/api/v1/projects', {
      name: 'Чужой',
      domains: ['chuzhoy.ru'],
    });
    const r = await postLead(body, { key: theirs.body.apiKey });
    expect(r.status).toBe(201);
    expect(r.body.projectId).toBe(theirs.body.id);

    const rotated = await owner.post<ProjectJson>(`/api/v1/projects/${project.id}/api-key/rotate`);
    expect(rotated.status).toBe(200);
    const oldKey = apiKey;
    apiKey = rotated.body.apiKey ?? '';
    expect(apiKey).not.toBe(oldKey);
    expectError(await postLead(body, { key: oldKey }), 401, 'invalid_api_key');
    expect(await leadCount()).toBe(before);
    expect((await postLead(body)).status).toBe(201);
    expect(await leadCount()).toBe(before + 1);
  });

  describe('refuses bad input in the error shape and writes nothing', () => {
    const future = () => new Date(Date.now() + 3_600_000).toISOString();
    const cases: Array<[string, () => Promise<Reply<unknown>>, number, string, string | null]> = [
      [
        'malformed JSON',
        () => postLead(null, { raw: '{"type":"offline","contact":' }),
        400,
        'invalid_json',
        null,
      ],
      [
        'an unknown field',
        () => postLead({ type: 'offline', contact: { name: 'Иван' }, price: 100 }),
        400,
        'validation_error',
        'body',
      ],
      [
        'an unknown contact field',
        () => postLead({ type: 'offline', contact: { name: 'Иван', telegram: '@ivan' } }),
        400,
        'validation_error',
        'body.contact',
      ],
      [
        'a wrong type',
        () => postLead({ type: 'visit', contact: { name: 'Иван' } }),
        400,
        'validation_error',
        'body.type',
      ],
      [
        'a number as a phone',
        () => postLead({ type: 'offline', contact: { phone: 79123456789 } }),
        400,
        'validation_error',
        'body.contact.phone',
      ],
      [
        'an invalid e-mail',
        () => postLead({ type: 'offline', contact: { email: 'иван@' } }),
        400,
        'validation_error',
        'body.contact.email',
      ],
      [
        'an invalid phone',
        () => postLead({ type: 'offline', contact: { phone: '+7 912 34' } }),
        400,
        'validation_error',
        'body.contact.phone',
      ],
      [
        'occurredAt in the future',
        () => postLead({ type: 'offline', contact: { name: 'Иван' }, occurredAt: future() }),
        400,
        'validation_error',
        'body.occurredAt',
      ],
      [
        'occurredAt before 2000',
        () => postLead({ type: 'offline', contact: { name: 'Иван' }, occurredAt: '0001-01-01T00:00:00Z' }),
        400,
        'validation_error',
        'body.occurredAt',
      ],
      [
        'occurredAt on 31 December 1999',
        () =>
          postLead({ type: 'offline', contact: { name: 'Иван' }, occurredAt: '1999-12-31T23:59:59+00:00' }),
        400,
        'validation_error',
        'body.occurredAt',
      ],
      [
        'an empty contact',
        () => postLead({ type: 'offline', contact: {} }),
        400,
        'validation_error',
        'body.contact',
      ],
      [
        'a contact of blanks',
        () => postLead({ type: 'offline', contact: { name: '   ', email: ' ' } }),
        400,
        'validation_error',
        'body.contact',
      ],
      [
        'a 1 MB body',
        () => postLead({ type: 'offline', contact: { name: 'Иван' }, message: 'д'.repeat(512 * 1024) }),
        413,
        'payload_too_large',
        null,
      ],
    ];
    it.each(cases)('%s', async (_name, send, status, code, path) => {
      const before = await leadCount();
      const body = expectError(await send(), status, code);
      if (path) {
        const details = body.error.details as Array<{ path: string }>;
        expect(details.map((d) => d.path)).toContain(path);
      }
      expect(await leadCount()).toBe(before);
    });
  });
});

describe('attribution', () => {
  it('gives a lead of a known visitor the parameters of its visits (last non-direct click)', async () => {
    const cid = randomId(18);
    await yandexThenGoogle(cid);
    const r = await postLead({
      type: 'form',
      contact: { email: 'attr1@example.ru' },
      visitorId: cid,
      page: `${site}/contacts`,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.visitorId).toBe(cid);
    expect(r.body.attributedAt).not.toBeNull();
    expect(r.body.params).toEqual({
      sent_at: r.body.occurredAt,
      source: 'google',
      medium: 'organic',
      campaign: null,
      content: null,
      term: null,
      social_network: null,
      path: 'yandex / cpc > google / organic',
      city: null,
      ip: '127.0.0.1',
      ga_client_id: '1234567890.1234567890',
      ym_client_id: '1700000000123456789',
      at_client_id: cid,
      page: `${site}/contacts`,
      browser: expect.stringMatching(/^Chrome 131/),
      country: null,
      device: 'desktop',
      mailbox: null,
    });
    // The lead page lists the visitor's visits in order.
    const full = await getLead(r.body.id);
    expect(full.status).toBe(200);
    expect(full.body.visits?.map((v) => [v.source, v.medium, v.campaign, v.term, v.landingUrl])).toEqual([
      [
        'yandex',
        'cpc',
        'divany-moskva',
        'купить диван',
        expect.stringContaining(`${site}/?utm_source=yandex`),
      ],
      ['google', 'organic', null, null, `${site}/sofas/1`],
    ]);
    // A viewer can read it too.
    expect((await getLead(r.body.id, viewer)).status).toBe(200);
  });

  it("follows the project's model: first click, last click, and last non-direct skips a direct visit", async () => {
    const cid = randomId(18);
    await yandexThenGoogle(cid);
    const lead = async (email: string) => {
      const r = await postLead({ type: 'form', contact: { email }, visitorId: cid });
      expect(r.status).toBe(201);
      return r.body.params;
    };
    try {
      await setProject({ attributionModel: 'first_click' });
      expect(await lead('model1@example.ru')).toMatchObject({
        source: 'yandex',
        medium: 'cpc',
        campaign: 'divany-moskva',
        term: 'купить диван',
        path: 'yandex / cpc > google / organic',
      });
      await setProject({ attributionModel: 'last_click' });
      expect(await lead('model2@example.ru')).toMatchObject({
        source: 'google',
        medium: 'organic',
        campaign: null,
      });

      // Back two hours later by typing the address: a direct visit.
      await ageVisitor(cid);
      expect((await collect(server.url, { site: project.siteKey, cid, url: `${site}/` })).status).toBe(204);
      expect(await lead('model3@example.ru')).toMatchObject({
        source: '(direct)',
        medium: '(none)',
        path: 'yandex / cpc > google / organic > (direct) / (none)',
      });
      await setProject({ attributionModel: 'last_non_direct' });
      expect(await lead('model4@example.ru')).toMatchObject({
        source: 'google',
        medium: 'organic',
        path: 'yandex / cpc > google / organic > (direct) / (none)',
      });
    } finally {
      await setProject({ attributionModel: 'last_non_direct' });
    }
  });

  it('a visitor with only direct visits gets (direct) by last non-direct', async () => {
    const cid = randomId(18);
    await collect(server.url, { site: project.siteKey, cid, url: `${site}/` });
    const r = await postLead({ type: 'form', contact: { email: 'direct@example.ru' }, visitorId: cid });
    expect(r.body.params).toMatchObject({ source: '(direct)', medium: '(none)', path: '(direct) / (none)' });
  });

  it('attributes a lead whose visitor hits arrive later, and records lead.created then lead.attributed', async () => {
    const cid = randomId(18);
    const r = await postLead({ type: 'phone', contact: { phone: '+7 912 000-11-22' }, visitorId: cid });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ visitorId: cid, attributedAt: null });
    const { sent_at, ...rest } = r.body.params;
    expect(sent_at).toBe(r.body.occurredAt);
    expect(Object.values(rest).every((v) => v === null)).toBe(true);
    expect(await eventsOf(r.body.id)).toEqual(['lead.created']);

    expect(
      (
        await collect(server.url, {
          site: project.siteKey,
          cid,
          url: `${site}/?utm_source=vk&utm_medium=social&utm_campaign=%D0%BE%D1%81%D0%B5%D0%BD%D1%8C`,
          ref: 'https://vk.com/',
        })
      ).status,
    ).toBe(204);
    const after = await getLead(r.body.id);
    expect(after.body.attributedAt).not.toBeNull();
    expect(after.body.params).toMatchObject({
      source: 'vk',
      medium: 'social',
      campaign: 'осень',
      social_network: 'vk',
      path: 'vk / social',
      at_client_id: cid,
    });
    expect(after.body.visits).toHaveLength(1);
    expect(await eventsOf(r.body.id)).toEqual(['lead.created', 'lead.attributed']);
    // Later hits of the same visitor do not attribute it again.
    await collect(server.url, { site: project.siteKey, cid, url: `${site}/sofas`, ref: `${site}/` });
    expect(await eventsOf(r.body.id)).toEqual(['lead.created', 'lead.attributed']);
  });

  it('attributes a waiting lead to the visits whose hits arrive after it (delayed beacons)', async () => {
    const cid = randomId(18);
    // The site's backend reports the form a minute before the browser's hits get through.
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const r = await postLead({
      type: 'form',
      contact: { email: 'late@example.ru' },
      visitorId: cid,
      occurredAt,
    });
    expect(r.body.attributedAt).toBeNull();
    await collect(server.url, {
      site: project.siteKey,
      cid,
      url: `${site}/?utm_source=yandex&utm_medium=cpc&utm_campaign=late`,
    });
    const after = await getLead(r.body.id);
    expect(after.body.attributedAt).not.toBeNull();
    expect(after.body.params).toMatchObject({
      source: 'yandex',
      medium: 'cpc',
      campaign: 'late',
      path: 'yandex / cpc',
      at_client_id: cid,
    });
    // The same when the hits got in first but the lead is dated before them.
    const again = await postLead({
      type: 'form',
      contact: { email: 'late2@example.ru' },
      visitorId: cid,
      occurredAt: new Date(Date.now() - 120_000).toISOString(),
    });
    expect(again.body.attributedAt).not.toBeNull();
    expect(again.body.params).toMatchObject({ source: 'yandex', medium: 'cpc', campaign: 'late' });
    // A visitor found only by contact gets no credit for visits after the lead.
    const byContact = await postLead({
      type: 'offline',
      contact: { email: 'late@example.ru' },
      occurredAt: new Date(Date.now() - 120_000).toISOString(),
    });
    expect(byContact.body).toMatchObject({ visitorId: cid });
    expect(byContact.body.params).toMatchObject({ source: null, path: null, at_client_id: cid });
  });

  it('keeps the visitor id a lead was sent with, even when its contact is known for another visitor', async () => {
    // Known on the phone from an earlier form…
    const phoneCid = randomId(18);
    await collect(server.url, {
      site: project.siteKey,
      cid: phoneCid,
      url: `${site}/`,
      ref: 'https://vk.com/',
    });
    await collect(server.url, {
      site: project.siteKey,
      cid: phoneCid,
      type: 'lead',
      url: `${site}/contacts`,
      lead: { email: 'two.devices@example.ru' },
    });
    // …now on the desktop, whose hits have not arrived when the site's backend posts the lead.
    const desktopCid = randomId(18);
    const r = await postLead({
      type: 'form',
      contact: { email: 'two.devices@example.ru' },
      visitorId: desktopCid,
    });
    expect(r.body).toMatchObject({ visitorId: desktopCid, attributedAt: null });
    await collect(server.url, {
      site: project.siteKey,
      cid: desktopCid,
      url: `${site}/?utm_source=google&utm_medium=cpc&utm_campaign=desktop`,
    });
    const after = await getLead(r.body.id);
    expect(after.body.visitorId).toBe(desktopCid);
    expect(after.body.params).toMatchObject({ source: 'google', medium: 'cpc', at_client_id: desktopCid });
  });

  it('ties leads to a visitor by contact: later by e-mail, earlier ones by phone', async () => {
    const cid = randomId(18);
    // The visitor browses from Google…
    await collect(server.url, {
      site: project.siteKey,
      cid,
      url: `${site}/sofas`,
      ref: 'https://www.google.ru/',
    });
    // …then phones the shop; the call is entered as an offline lead, nobody knows the visitor yet.
    const call = await postLead({ type: 'phone', contact: { phone: '8 (921) 555-44-33', name: 'Ольга' } });
    expect(call.status).toBe(201);
    expect(call.body).toMatchObject({ visitorId: null, attributedAt: null });
    // …then sends the site form with that phone and an e-mail.
    expect(
      (
        await collect(server.url, {
          site: project.siteKey,
          cid,
          type: 'lead',
          url: `${site}/contacts`,
          ref: `${site}/sofas`,
          lead: { email: 'Olga.Smirnova@Example.RU', phone: '+7 921 555 44 33', name: 'Ольга Смирнова' },
        })
      ).status,
    ).toBe(204);
    const form = await server.db
      .selectFrom('leads')
      .selectAll()
      .where('visitor_id', '=', cid)
      .where('channel', '=', 'tracker')
      .executeTakeFirstOrThrow();
    expect(form).toMatchObject({ email: 'olga.smirnova@example.ru', phone: '+79215554433' });
    const earlier = await getLead(call.body.id);
    expect(earlier.body).toMatchObject({ visitorId: cid });
    expect(earlier.body.attributedAt).not.toBeNull();
    expect(earlier.body.params).toMatchObject({ source: 'google', medium: 'organic', at_client_id: cid });
    expect(await eventsOf(call.body.id)).toEqual(['lead.created', 'lead.attributed']);

    // A later offline lead with the e-mail in other letters finds the visitor without a visitor id.
    const later = await postLead({ type: 'email', contact: { email: 'OLGA.SMIRNOVA@example.ru' } });
    expect(later.status).toBe(201);
    expect(later.body.visitorId).toBe(cid);
    expect(later.body.attributedAt).not.toBeNull();
    expect(later.body.params).toMatchObject({ source: 'google', medium: 'organic', at_client_id: cid });
    expect(await eventsOf(later.body.id)).toEqual(['lead.created']);
  });
});

describe('duplicates', () => {
  it('marks a repeat of the same e-mail within the window, pointing at the first lead', async () => {
    const first = await postLead({ type: 'offline', contact: { email: 'dup@example.ru' } });
    const second = await postLead({ type: 'form', contact: { email: 'DUP@example.ru', name: 'Снова' } });
    const third = await postLead({ type: 'phone', contact: { email: 'dup@example.ru' } });
    expect(first.body).toMatchObject({ isDuplicate: false, duplicateOf: null });
    expect(second.body).toMatchObject({ isDuplicate: true, duplicateOf: first.body.id });
    expect(third.body).toMatchObject({ isDuplicate: true, duplicateOf: first.body.id });
  });

  it('does not mark a repeat outside the window (2 h apart vs 60 min)', async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const old = await postLead({
      type: 'offline',
      contact: { phone: '+7 912 700-00-01' },
      occurredAt: twoHoursAgo,
    });
    const now = await postLead({ type: 'offline', contact: { phone: '89127000001' } });
    expect(old.body.isDuplicate).toBe(false);
    expect(now.body).toMatchObject({ isDuplicate: false, duplicateOf: null });
    expect(project.duplicateWindowMinutes).toBe(60);
  });

  it('window 0 turns duplicate marking off', async () => {
    try {
      await setProject({ duplicateWindowMinutes: 0 });
      const a = await postLead({ type: 'offline', contact: { email: 'nodup@example.ru' } });
      const b = await postLead({ type: 'offline', contact: { email: 'nodup@example.ru' } });
      expect([a.body.isDuplicate, b.body.isDuplicate]).toEqual([false, false]);
    } finally {
      await setProject({ duplicateWindowMinutes: 60 });
    }
  });
});

describe('GET /api/v1/projects/:id/leads', () => {
  let listProject: ProjectJson;
  const created: LeadJson[] = [];
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000 - 3_600_000);

  beforeAll(async () => {
    const p = await owner.post<ProjectJson>('/api/v1/projects', {
      name: 'Список',
      domains: ['spisok-shop.ru'],
    });
    listProject = p.body;
    const cid = randomId(18);
    await collect(server.url, {
      site: listProject.siteKey,
      cid,
      url: 'https://spisok-shop.ru/?utm_source=yandex&utm_medium=cpc',
    });
    // Seven leads; three share one moment, so the id breaks the tie.
    const same = at(30).toISOString();
    const specs: Array<[string, string, string | null]> = [
      ['offline', at(300).toISOString(), null],
      ['phone', at(240).toISOString(), null],
      ['form', same, null],
      ['form', same, null],
      ['phone', same, null],
      ['email', at(10).toISOString(), null],
      ['form', new Date().toISOString(), cid],
    ];
    for (const [i, [type, occurredAt, visitorId]] of specs.entries()) {
      const r = await postLead(
        {
          type,
          contact: { name: `Клиент ${i + 1}`, phone: `+7 912 800-00-${String(i + 10)}` },
          occurredAt,
          ...(visitorId && { visitorId }),
        },
        { key: listProject.apiKey },
      );
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      created.push(r.body);
    }
  });

  const list = (query: string, client = owner) =>
    client.get<LeadList>(`/api/v1/projects/${listProject.id}/leads${query}`);

  it('lists newest first, paginating 3 + 3 + 1 with stable order and no repeats', async () => {
    const all = await list('?limit=50');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(7);
    expect(all.body.nextCursor).toBeNull();
    const times = all.body.items.map((l) => l.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);

    const pages: LeadJson[][] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const r: Reply<LeadList> = await list(
        `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(r.status).toBe(200);
      pages.push(r.body.items);
      cursor = r.body.nextCursor;
      expect(pages.length).toBeLessThan(5);
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const ids = pages.flat().map((l) => l.id);
    expect(new Set(ids).size).toBe(7);
    expect(ids).toEqual(all.body.items.map((l) => l.id));
    expect(new Set(ids)).toEqual(new Set(created.map((l) => l.id)));
    // A lead arriving between pages does not shift the next page.
    const first = await list('?limit=3');
    await postLead(
      { type: 'offline', contact: { name: 'Новый' }, occurredAt: new Date().toISOString() },
      { key: listProject.apiKey },
    );
    const second = await list(`?limit=3&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`);
    expect(second.body.items.map((l) => l.id)).toEqual(ids.slice(3, 6));
  });

  it('filters by type, time range and source', async () => {
    const phones = await list('?type=phone');
    expect(phones.body.items.map((l) => l.id).sort()).toEqual([created[1]?.id, created[4]?.id].sort());
    const range = async (from: string, to: string) =>
      (await list(`?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).body.items.map(
        (l) => l.id,
      );
    const t = created.map((l) => l.occurredAt);
    // `from` inclusive, `to` exclusive: the three leads at exactly `to` are out…
    expect(await range(t[1] ?? '', t[2] ?? '')).toEqual([created[1]?.id]);
    // …and in when they are at `from`, newest first, the id breaking the tie.
    const tied = [created[2], created[3], created[4]]
      .map((l) => l?.id ?? '')
      .sort()
      .reverse();
    expect(await range(t[2] ?? '', t[5] ?? '')).toEqual(tied);
    const yandex = await list('?source=yandex');
    expect(yandex.body.items.map((l) => l.id)).toEqual([created[6]?.id]);
    expect((await list('?source=google')).body.items).toEqual([]);
    expect((await list('?type=chat')).body).toEqual({ items: [], nextCursor: null });
  });

  it('refuses a bad cursor and bad filters with 400', async () => {
    const bad = expectError(await list('?cursor=not-a-cursor'), 400, 'validation_error');
    expect(bad.error.details).toEqual([{ path: 'querystring.cursor', message: expect.any(String) }]);
    const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00Z', 'not-a-uuid'])).toString('base64url');
    expectError(await list(`?cursor=${forged}`), 400, 'validation_error');
    expectError(await list('?type=visit'), 400, 'validation_error');
    expectError(await list('?limit=0'), 400, 'validation_error');
    expectError(await list('?from=вчера'), 400, 'validation_error');
  });

  it('lets a viewer read, hides the project and its leads from another account', async () => {
    const seen = await list('?limit=50', viewer);
    expect(seen.status).toBe(200);
    expect(seen.body.items.length).toBeGreaterThanOrEqual(7);
    expectError(await list('', stranger), 404, 'not_found');
    expectError(await getLead(created[0]?.id ?? '', stranger), 404, 'not_found');
    expectError(await getLead('00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    expectError(await owner.get('/api/v1/leads/not-a-uuid'), 400, 'validation_error');
    const anonymous = new ApiClient(server.url);
    expectError(await anonymous.get(`/api/v1/projects/${listProject.id}/leads`), 401, 'unauthorized');
  });
});

describe('POST /api/v1/projects/:id/leads/import (CSV)', () => {
  let csvProject: ProjectJson;

  /** `DD.MM.YYYY HH:MM` in Moscow, as a Russian Excel writes it. */
  const moscow = (d: Date) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('ru-RU', {
        timeZone: 'Europe/Moscow',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(d)
        .map((x) => [x.type, x.value]),
    );
    return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}`;
  };
  const minute = (d: Date) => new Date(Math.floor(d.getTime() / 60_000) * 60_000);
  const daysAgo = (n: number) => minute(new Date(Date.now() - n * 86_400_000));

  const importCsv = (
    body: string | Buffer,
    opts: { client?: ApiClient; type?: string; projectId?: string } = {},
  ) =>
    (opts.client ?? owner).request<ImportResult & ErrorReply>(
      'POST',
      `/api/v1/projects/${opts.projectId ?? csvProject.id}/leads/import`,
      undefined,
      { raw: body, headers: { 'content-type': opts.type ?? 'text/csv; charset=utf-8' } },
    );

  beforeAll(async () => {
    const p = await owner.post<ProjectJson>('/api/v1/projects', {
      name: 'Офлайн-продажи',
      domains: ['offline-shop.ru'],
      timezone: 'Europe/Moscow',
    });
    csvProject = p.body;
  });

  it('imports a Russian Excel file (BOM, semicolons, local dates, quoted newline) and re-imports nothing', async () => {
    const d1 = daysAgo(3);
    const d2 = daysAgo(2);
    const file = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(
        [
          'Дата;ФИО;Телефон;Почта;Комментарий;Номер;Тип;Менеджер',
          `${moscow(d1)};Иван Сидоров;+7 912 100-20-30;;"Хочет угловой диван;\nдоставка до 25-го";З-101;звонок;Ольга`,
          `${moscow(d2)};Анна Кузнецова;8 (903) 200-30-40;Anna.K@Mail.RU;;З-102;;`,
          `;ООО «Уют»;;info@uyut.ru;"Оптовый заказ, 10 шт.";З-103;офлайн;Пётр`,
          '',
        ].join('\r\n'),
        'utf8',
      ),
    ]);
    const before = await leadCount(csvProject.id);
    const r = await importCsv(file);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ imported: 3, existing: 0, ignoredColumns: ['Менеджер'] });
    expect(r.body.leadIds).toHaveLength(3);
    expect(await leadCount(csvProject.id)).toBe(before + 3);

    const leads = await Promise.all(r.body.leadIds.map(async (id) => (await getLead(id)).body));
    expect(leads.map((l) => [l.channel, l.type, l.externalId, l.contact, l.message])).toEqual([
      [
        'csv',
        'phone',
        'З-101',
        { email: null, phone: '+79121002030', name: 'Иван Сидоров', company: null },
        'Хочет угловой диван;\nдоставка до 25-го',
      ],
      [
        'csv',
        'offline',
        'З-102',
        { email: 'anna.k@mail.ru', phone: '+79032003040', name: 'Анна Кузнецова', company: null },
        null,
      ],
      [
        'csv',
        'offline',
        'З-103',
        { email: 'info@uyut.ru', phone: null, name: 'ООО «Уют»', company: null },
        'Оптовый заказ, 10 шт.',
      ],
    ]);
    expect(leads[0]?.occurredAt).toBe(d1.toISOString());
    expect(leads[1]?.occurredAt).toBe(d2.toISOString());
    // No date: the import time.
    expect(Math.abs(new Date(leads[2]?.occurredAt ?? 0).getTime() - Date.now())).toBeLessThan(60_000);
    for (const l of leads) expect(await eventsOf(l.id)).toEqual(['lead.created']);

    const again = await importCsv(file);
    expect(again.status).toBe(201);
    expect(again.body).toEqual({
      imported: 0,
      existing: 3,
      ignoredColumns: ['Менеджер'],
      leadIds: r.body.leadIds,
    });
    expect(await leadCount(csvProject.id)).toBe(before + 3);
  });

  it('accepts curl --data-binary with a Bearer token and a comma-separated English header', async () => {
    const api = new ApiClient(server.url).withBearer(bearerToken);
    const r = await importCsv(
      'email,name,occurred_at,external_id\nbearer@example.ru,"Smith, John",2026-01-15T10:00:00+03:00,\n',
      { client: api, type: 'application/x-www-form-urlencoded' },
    );
    // curl's default type is not a file upload: refused.
    expect(r.status).toBe(415);
    const ok = await importCsv('email,name\nbearer@example.ru,"Smith, John"\n', {
      client: api,
      type: 'application/octet-stream',
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ imported: 1, existing: 0, ignoredColumns: [] });
    const plain = await importCsv('phone\n+7 912 300-40-50\n', { client: api, type: 'text/plain' });
    expect(plain.status).toBe(201);
  });

  it('imports nothing when one row is bad, naming its row and column', async () => {
    const before = await leadCount(csvProject.id);
    const file = [
      'имя;телефон;почта;дата',
      'Сергей;+7 912 111-11-11;;',
      'Пётр;"+7 912\n111-11";;', // row 3 in Excel, although it spans two lines
      'Мария;;maria@mail.ru;01.01.2099 10:00',
      'Олег;+79121111112;;',
      'Анна;+79121111113;;31.12.1999 10:00',
    ].join('\n');
    const r = await importCsv(file);
    const body = expectError(r, 422, 'csv_invalid');
    expect(body.error.details).toEqual([
      { row: 3, column: 'phone', message: 'not a phone number' },
      { row: 4, column: 'occurred_at', message: 'must not be in the future' },
      { row: 6, column: 'occurred_at', message: 'must not be before 2000-01-01' },
    ]);
    expect(body.error.message).toContain('3');
    expect(await leadCount(csvProject.id)).toBe(before);
  });

  it('refuses viewers, other accounts, unreadable files and other content types', async () => {
    const before = await leadCount(csvProject.id);
    const file = 'email\nviewer@example.ru\n';
    expectError(await importCsv(file, { client: viewer }), 403, 'forbidden');
    expectError(await importCsv(file, { client: stranger }), 404, 'not_found');
    expectError(await importCsv('Заказ;Сумма;Менеджер\n1;1000;Ольга\n'), 400, 'csv_no_contact_column');
    expectError(await importCsv(''), 400, 'csv_empty');
    expectError(await importCsv('email;phone\n'), 400, 'csv_empty');
    expectError(await importCsv('email\n"broken\n'), 400, 'csv_malformed');
    expectError(await importCsv(Buffer.from([0xc8, 0xec, 0xff, 0x0a, 0x41, 0x0a])), 400, 'csv_not_utf8');
    expectError(await importCsv(file, { type: 'application/json' }), 400, 'invalid_json');
    expectError(
      await owner.post(`/api/v1/projects/${csvProject.id}/leads/import`, { email: 'a@b.ru' }),
      415,
      'csv_media_type',
    );
    expectError(await importCsv(`email\n${'a@b.ru\n'.repeat(900_000)}`), 413, 'payload_too_large');
    // A cookie write from a foreign page is refused before anything is read.
    const foreign = new ApiClient(server.url, { origin: 'https://evil.example' });
    foreign.cookie = owner.cookie;
    expectError(await importCsv(file, { client: foreign }), 403, 'csrf_rejected');
    expect(await leadCount(csvProject.id)).toBe(before);
  });

  it('keeps text/csv refused on the rest of the API', async () => {
    const r = await owner.request('POST', '/api/v1/projects', undefined, {
      raw: 'name,domains\nX,x.ru\n',
      headers: { 'content-type': 'text/csv' },
    });
    expectError(r, 415, 'unsupported_media_type');
  });
});

describe('X-Api-Key calls from a browser', () => {
  it('are not refused as cross-site when a session cookie comes along', async () => {
    const { client } = await signUp(server.url);
    const p = await client.post<{ apiKey: string }>('/api/v1/projects', {
      name: 'Браузер',
      domains: ['browser.ru'],
    });
    const r = await fetch(`${server.url}/api/v1/leads`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': p.body.apiKey,
        cookie: client.cookie ?? '',
        origin: 'https://browser.ru',
      },
      body: JSON.stringify({ type: 'chat', contact: { name: 'Чат-бот' } }),
    });
    expect(r.status).toBe(201);
  });
});
