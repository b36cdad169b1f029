import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadJson } from '../../src/leads/serialize.js';
import type { ProjectJson } from '../../src/projects/serialize.js';
import { expectError } from '../helpers/assert.js';
import { ApiClient, type Reply } from '../helpers/client.js';
import { collect, randomId } from '../helpers/collect.js';
import { postLead } from '../helpers/leads.js';
import type { TestServer } from '../helpers/server.js';
import { getLead, startLeadsWorld } from './fixtures.js';

interface LeadList {
  items: LeadJson[];
  nextCursor: string | null;
}

let server: TestServer;
let owner: ApiClient;
let viewer: ApiClient;
let stranger: ApiClient;

beforeAll(async () => {
  ({ server, owner, viewer, stranger } = await startLeadsWorld());
});
afterAll(() => server?.close());

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
      const r = await postLead(server.url, listProject.apiKey, {
        type,
        contact: { name: `Клиент ${i + 1}`, phone: `+7 912 800-00-${String(i + 10)}` },
        occurredAt,
        ...(visitorId && { visitorId }),
      });
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
    await postLead(server.url, listProject.apiKey, {
      type: 'offline',
      contact: { name: 'Новый' },
      occurredAt: new Date().toISOString(),
    });
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
    expectError(await getLead(stranger, created[0]?.id ?? ''), 404, 'not_found');
    expectError(await getLead(owner, '00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    expectError(await owner.get('/api/v1/leads/not-a-uuid'), 400, 'validation_error');
    const anonymous = new ApiClient(server.url);
    expectError(await anonymous.get(`/api/v1/projects/${listProject.id}/leads`), 401, 'unauthorized');
  });
});
