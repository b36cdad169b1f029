import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectJson } from '../../src/projects/serialize.js';
import { expectError } from '../helpers/assert.js';
import { ApiClient, type ErrorReply } from '../helpers/client.js';
import type { TestServer } from '../helpers/server.js';
import { eventsOf, getLead, leadCount, startLeadsWorld } from './fixtures.js';

interface ImportResult {
  imported: number;
  existing: number;
  ignoredColumns: string[];
  leadIds: string[];
}

let server: TestServer;
let owner: ApiClient;
let viewer: ApiClient;
let stranger: ApiClient;
let bearerToken: string;

beforeAll(async () => {
  ({ server, owner, viewer, stranger, bearerToken } = await startLeadsWorld());
});
afterAll(() => server?.close());

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
    const before = await leadCount(server.db, csvProject.id);
    const r = await importCsv(file);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ imported: 3, existing: 0, ignoredColumns: ['Менеджер'] });
    expect(r.body.leadIds).toHaveLength(3);
    expect(await leadCount(server.db, csvProject.id)).toBe(before + 3);

    const leads = await Promise.all(r.body.leadIds.map(async (id) => (await getLead(owner, id)).body));
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
    for (const l of leads) expect(await eventsOf(server.db, l.id)).toEqual(['lead.created']);

    const again = await importCsv(file);
    expect(again.status).toBe(201);
    expect(again.body).toEqual({
      imported: 0,
      existing: 3,
      ignoredColumns: ['Менеджер'],
      leadIds: r.body.leadIds,
    });
    expect(await leadCount(server.db, csvProject.id)).toBe(before + 3);
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
    const before = await leadCount(server.db, csvProject.id);
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
    expect(await leadCount(server.db, csvProject.id)).toBe(before);
  });

  it('refuses viewers, other accounts, unreadable files and other content types', async () => {
    const before = await leadCount(server.db, csvProject.id);
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
    expect(await leadCount(server.db, csvProject.id)).toBe(before);
  });

  it('keeps text/csv refused on the rest of the API', async () => {
    const r = await owner.request('POST', '/api/v1/projects', undefined, {
      raw: 'name,domains\nX,x.ru\n',
      headers: { 'content-type': 'text/csv' },
    });
    expectError(r, 415, 'unsupported_media_type');
  });
});
