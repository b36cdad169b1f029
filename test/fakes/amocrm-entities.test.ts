import { describe, expect, it } from 'vitest';
import { amo, api, arr, at, call, obj, setUpFakeAmo, token } from './amocrm-fixtures.js';

setUpFakeAmo();

describe('fake amoCRM API v4', () => {
  it('serves users to admins only, and pipelines with unsorted, 142 and 143', async () => {
    const users = await api('GET', '/api/v4/users');
    expect(users.status).toBe(200);
    expect(arr(at(users.body, '_embedded.users')).length).toBeGreaterThanOrEqual(2);
    const manager = amo.issueLongLivedToken({ userId: 8100002 });
    expect((await call(amo, 'GET', '/api/v4/users', { token: manager })).status).toBe(403);

    const pipelines = arr(at((await api('GET', '/api/v4/leads/pipelines')).body, '_embedded.pipelines'));
    expect(pipelines).toHaveLength(2);
    for (const p of pipelines) {
      const statuses = arr(at(p, '_embedded.statuses')).map(obj);
      expect(statuses.some((s) => s.type === 1)).toBe(true);
      expect(statuses.map((s) => s.id)).toEqual(expect.arrayContaining([142, 143]));
    }
  });

  it('creates a contact with PHONE/EMAIL and finds it by query; a miss is 204 with an empty body', async () => {
    const created = await api('POST', '/api/v4/contacts', [
      {
        first_name: 'Пётр',
        last_name: 'Смирнов',
        custom_fields_values: [
          { field_code: 'PHONE', values: [{ value: '+7 (999) 123-45-67', enum_code: 'WORK' }] },
          { field_code: 'EMAIL', values: [{ value: 'petr.smirnov@example.com', enum_code: 'WORK' }] },
        ],
        request_id: 'c1',
      },
      { name: 'Без полей' },
    ]);
    expect(created.status).toBe(200);
    const items = arr(at(created.body, '_embedded.contacts')).map(obj);
    expect(items[0]).toMatchObject({ request_id: 'c1' });
    expect(items[1]).toMatchObject({ request_id: '1' });
    expect(typeof items[0]?.id).toBe('number');

    const found = await api('GET', '/api/v4/contacts?query=petr.smirnov@example.com');
    expect(found.status).toBe(200);
    const list = arr(at(found.body, '_embedded.contacts'));
    expect(list).toHaveLength(1);
    const contact = obj(list[0]);
    expect(contact.name).toBe('Пётр Смирнов');
    const email = arr(contact.custom_fields_values)
      .map(obj)
      .find((f) => f.field_code === 'EMAIL');
    expect(email).toMatchObject({ field_name: 'Email', field_type: 'multitext' });
    expect(obj(arr(email?.values)[0])).toMatchObject({
      value: 'petr.smirnov@example.com',
      enum_code: 'WORK',
    });
    expect(typeof obj(arr(email?.values)[0]).enum_id).toBe('number');

    expect(
      arr(at((await api('GET', '/api/v4/contacts?query=9991234567')).body, '_embedded.contacts')),
    ).toHaveLength(1);

    const bare = await api('GET', `/api/v4/contacts/${String(items[1]?.id)}`);
    expect(obj(bare.body).custom_fields_values).toBeNull();

    const miss = await api('GET', '/api/v4/contacts?query=nobody@nowhere.example');
    expect(miss.status).toBe(204);
    expect(miss.text).toBe('');
    expect((await api('GET', '/api/v4/contacts/999')).status).toBe(204);
  });

  it('creates a lead with _embedded.contacts and tags; with=contacts shows them', async () => {
    const c = await api('POST', '/api/v4/contacts', [{ name: 'Анна' }]);
    const contactId = Number(at(c.body, '_embedded.contacts.0.id'));
    const res = await api('POST', '/api/v4/leads', [
      {
        name: 'Заявка с сайта',
        price: 15000,
        _embedded: { contacts: [{ id: contactId }], tags: [{ name: 'Leadtrail' }] },
      },
    ]);
    expect(res.status).toBe(200);
    const leadId = Number(at(res.body, '_embedded.leads.0.id'));
    expect(at(res.body, '_embedded.leads.0.request_id')).toBe('0');

    const plain = obj((await api('GET', `/api/v4/leads/${leadId}`)).body);
    expect(obj(plain._embedded).contacts).toBeUndefined();
    expect(obj(plain._embedded).companies).toEqual([]);
    expect(plain.status_id).toBe(61000002); // first working stage of the main pipeline

    const lead = obj((await api('GET', `/api/v4/leads/${leadId}?with=contacts`)).body);
    expect(at(lead, '_embedded.contacts.0')).toMatchObject({ id: contactId, is_main: true });
    expect(at(lead, '_embedded.tags.0')).toMatchObject({ name: 'Leadtrail' });

    const withLeads = obj((await api('GET', `/api/v4/contacts/${contactId}?with=leads`)).body);
    expect(at(withLeads, '_embedded.leads.0.id')).toBe(leadId);

    // tags: add / delete / replace / clear
    await api('PATCH', `/api/v4/leads/${leadId}`, { tags_to_add: [{ name: 'B' }] });
    let names = arr(at((await api('GET', `/api/v4/leads/${leadId}`)).body, '_embedded.tags')).map(
      (t) => obj(t).name,
    );
    expect(names).toEqual(['Leadtrail', 'B']);
    await api('PATCH', `/api/v4/leads/${leadId}`, { tags_to_delete: [{ name: 'Leadtrail' }] });
    names = arr(at((await api('GET', `/api/v4/leads/${leadId}`)).body, '_embedded.tags')).map(
      (t) => obj(t).name,
    );
    expect(names).toEqual(['B']);
    await api('PATCH', `/api/v4/leads/${leadId}`, { _embedded: { tags: null } });
    expect(at((await api('GET', `/api/v4/leads/${leadId}`)).body, '_embedded.tags')).toEqual([]);
  });

  it('updates in bulk and singly with the documented response shapes', async () => {
    const res = await api('POST', '/api/v4/leads', [{ name: 'A' }, { name: 'B' }]);
    const [a, b] = arr(at(res.body, '_embedded.leads')).map((x) => Number(obj(x).id));
    const bulk = await api('PATCH', '/api/v4/leads', [
      { id: a, price: 100 },
      { id: b, status_id: 142, pipeline_id: 7100001 },
    ]);
    expect(bulk.status).toBe(200);
    const out = arr(at(bulk.body, '_embedded.leads')).map(obj);
    expect(out[0]).toMatchObject({ id: a });
    expect(typeof out[0]?.updated_at).toBe('number');
    const closed = obj((await api('GET', `/api/v4/leads/${b}`)).body);
    expect(closed.status_id).toBe(142);
    expect(typeof closed.closed_at).toBe('number');

    const single = await api('PATCH', `/api/v4/leads/${a}`, { name: 'A2' });
    expect(obj(single.body)).toMatchObject({ id: a });
    expect(typeof obj(single.body).updated_at).toBe('number');

    const unknown = await api('PATCH', '/api/v4/leads', [{ id: 1, name: 'x' }]);
    expect(unknown.status).toBe(400);
  });

  it('orders by created_at desc and pages with _links.next', async () => {
    await api('POST', '/api/v4/companies', [
      { name: 'Old', created_at: 1_600_000_000 },
      { name: 'New', created_at: 1_700_000_000 },
    ]);
    const res = await api('POST', '/api/v4/leads', [
      { name: 'old', created_at: 1_600_000_000 },
      { name: 'newest', created_at: 1_800_000_000 },
      { name: 'mid', created_at: 1_700_000_000 },
    ]);
    const ids = arr(at(res.body, '_embedded.leads')).map((x) => Number(obj(x).id));
    const filter = ids.map((id) => `filter[id][]=${id}`).join('&');
    const desc = await api('GET', `/api/v4/leads?${filter}&order[created_at]=desc`);
    expect(arr(at(desc.body, '_embedded.leads')).map((l) => obj(l).name)).toEqual(['newest', 'mid', 'old']);

    const p1 = await api('GET', `/api/v4/leads?${filter}&order[created_at]=asc&limit=2`);
    expect(at(p1.body, '_page')).toBe(1);
    const next = String(at(p1.body, '_links.next.href'));
    expect(next).toContain('page=2');
    const p2 = await call(amo, 'GET', next.replace(amo.url, ''), { token });
    expect(arr(at(p2.body, '_embedded.leads')).map((l) => obj(l).name)).toEqual(['newest']);
    expect(at(p2.body, '_links.next')).toBeUndefined();

    expect((await api('GET', '/api/v4/leads?limit=300')).status).toBe(400);
    expect((await api('GET', '/api/v4/contacts?order[created_at]=desc')).status).toBe(400);
  });

  it('rejects unknown custom fields and bad enums with validation-errors, writing nothing', async () => {
    const before = amo.state.leads.length;
    const res = await api('POST', '/api/v4/leads', [
      { name: 'ok', request_id: 'fine' },
      { name: 'bad', request_id: 'r2', custom_fields_values: [{ field_id: 123, values: [{ value: 'x' }] }] },
    ]);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(obj(res.body)).toMatchObject({ status: 400, title: 'Bad Request' });
    const errors = arr(obj(res.body)['validation-errors']);
    expect(errors).toHaveLength(1);
    expect(obj(errors[0])).toMatchObject({ request_id: 'r2' });
    expect(at(errors[0], 'errors.0')).toMatchObject({
      code: 'NotSupportedChoice',
      path: 'custom_fields_values.0.field_id',
    });
    expect(amo.state.leads.length).toBe(before);

    const badEnum = await api('POST', '/api/v4/contacts', [
      {
        name: 'x',
        custom_fields_values: [{ field_code: 'EMAIL', values: [{ value: 'a@b.c', enum_code: 'MOB' }] }],
      },
    ]);
    expect(badEnum.status).toBe(400);
    expect(at(badEnum.body, 'validation-errors.0.errors.0.path')).toBe(
      'custom_fields_values.0.values.0.enum_code',
    );

    const badCode = await api('POST', '/api/v4/leads', [
      { custom_fields_values: [{ field_code: 'NO_SUCH', values: [{ value: 'x' }] }] },
    ]);
    expect(at(badCode.body, 'validation-errors.0.errors.0.path')).toBe('custom_fields_values.0.field_code');
  });

  it('creates a custom field and uses it; tracking fields are writable by code', async () => {
    const res = await api('POST', '/api/v4/leads/custom_fields', [
      {
        name: 'Канал',
        type: 'select',
        enums: [
          { value: 'Реклама', sort: 1 },
          { value: 'SEO', sort: 2 },
        ],
      },
      { name: 'GA client id', type: 'text' },
    ]);
    expect(res.status).toBe(200);
    const fields = arr(at(res.body, '_embedded.custom_fields')).map(obj);
    const select = fields[0]!;
    const text = fields[1]!;
    const seoEnum = arr(select.enums)
      .map(obj)
      .find((e) => e.value === 'SEO');
    const lead = await api('POST', '/api/v4/leads', [
      {
        name: 'С полями',
        custom_fields_values: [
          { field_id: select.id, values: [{ enum_id: seoEnum?.id }] },
          { field_id: text.id, values: [{ value: 'GA1.2.3.4' }] },
          { field_code: 'UTM_SOURCE', values: [{ value: 'yandex' }] },
        ],
      },
    ]);
    expect(lead.status).toBe(200);
    const got = obj(
      (await api('GET', `/api/v4/leads/${String(at(lead.body, '_embedded.leads.0.id'))}`)).body,
    );
    const cf = arr(got.custom_fields_values).map(obj);
    expect(cf.find((f) => f.field_id === select.id)).toMatchObject({
      field_name: 'Канал',
      field_type: 'select',
      values: [{ value: 'SEO', enum_id: seoEnum?.id }],
    });
    expect(cf.find((f) => f.field_code === 'UTM_SOURCE')).toMatchObject({
      field_type: 'tracking_data',
      values: [{ value: 'yandex' }],
    });

    const listed = await api('GET', '/api/v4/leads/custom_fields?limit=250');
    expect(arr(at(listed.body, '_embedded.custom_fields')).some((f) => obj(f).name === 'Канал')).toBe(true);
    const wrong = await api('POST', '/api/v4/leads', [
      { custom_fields_values: [{ field_id: select.id, values: [{ value: 'ТВ' }] }] },
    ]);
    expect(wrong.status).toBe(400);
  });

  it('creates lead+contact+company via /leads/complex as a bare array and links all three', async () => {
    const res = await api('POST', '/api/v4/leads/complex', [
      {
        name: 'Комплексная',
        price: 3422,
        request_id: 'qweasd',
        _embedded: {
          contacts: [
            {
              first_name: 'Екатерина',
              custom_fields_values: [
                { field_code: 'EMAIL', values: [{ enum_code: 'WORK', value: 'kate@example.com' }] },
              ],
            },
          ],
          companies: [{ name: 'ООО Рога' }],
        },
      },
    ]);
    expect(res.status).toBe(200);
    const out = arr(res.body);
    const item = obj(out[0]);
    expect(item).toMatchObject({ request_id: ['qweasd'], merged: false });
    const { id, contact_id, company_id } = item as { id: number; contact_id: number; company_id: number };
    const lead = obj((await api('GET', `/api/v4/leads/${id}?with=contacts`)).body);
    expect(at(lead, '_embedded.contacts.0.id')).toBe(contact_id);
    expect(at(lead, '_embedded.companies.0.id')).toBe(company_id);
    const contact = obj((await api('GET', `/api/v4/contacts/${contact_id}`)).body);
    expect(at(contact, '_embedded.companies.0.id')).toBe(company_id);

    const tooMany = await api(
      'POST',
      '/api/v4/leads/complex',
      Array.from({ length: 51 }, (_, i) => ({ name: `L${i}` })),
    );
    expect(tooMany.status).toBe(400);
    const twoContacts = await api('POST', '/api/v4/leads/complex', [
      { _embedded: { contacts: [{ name: 'a' }, { name: 'b' }] } },
    ]);
    expect(twoContacts.status).toBe(400);
  });

  it('links, lists and unlinks entities', async () => {
    const lead = Number(
      at((await api('POST', '/api/v4/leads', [{ name: 'L' }])).body, '_embedded.leads.0.id'),
    );
    const contact = Number(
      at((await api('POST', '/api/v4/contacts', [{ name: 'C' }])).body, '_embedded.contacts.0.id'),
    );
    const linked = await api('POST', `/api/v4/leads/${lead}/link`, [
      { to_entity_id: contact, to_entity_type: 'contacts' },
    ]);
    expect(linked.status).toBe(200);
    expect(at(linked.body, '_embedded.links.0')).toMatchObject({
      entity_id: lead,
      entity_type: 'leads',
      to_entity_id: contact,
      to_entity_type: 'contacts',
      metadata: { main_contact: true },
    });
    const links = await api('GET', `/api/v4/contacts/${contact}/links`);
    expect(at(links.body, '_embedded.links.0')).toMatchObject({
      to_entity_id: lead,
      to_entity_type: 'leads',
    });
    const un = await api('POST', `/api/v4/leads/${lead}/unlink`, [
      { to_entity_id: contact, to_entity_type: 'contacts' },
    ]);
    expect(un.status).toBe(204);
    expect(un.text).toBe('');
    expect((await api('GET', `/api/v4/leads/${lead}/links`)).status).toBe(204);
  });

  it('creates and reads notes and tags', async () => {
    const lead = Number(
      at((await api('POST', '/api/v4/leads', [{ name: 'N' }])).body, '_embedded.leads.0.id'),
    );
    const one = await api('POST', `/api/v4/leads/${lead}/notes`, [
      { note_type: 'common', params: { text: 'UTM: google/cpc' } },
    ]);
    expect(one.status).toBe(200);
    expect(at(one.body, '_embedded.notes.0')).toMatchObject({ entity_id: lead, request_id: '0' });
    const mass = await api('POST', '/api/v4/leads/notes', [
      { entity_id: lead, note_type: 'common', params: { text: 'второе' } },
    ]);
    expect(mass.status).toBe(200);
    const list = await api('GET', `/api/v4/leads/${lead}/notes`);
    expect(arr(at(list.body, '_embedded.notes')).map((n) => at(n, 'params.text'))).toEqual([
      'UTM: google/cpc',
      'второе',
    ]);
    expect(
      (await api('POST', `/api/v4/leads/${lead}/notes`, [{ note_type: 'common', params: {} }])).status,
    ).toBe(400);

    const t1 = await api('POST', '/api/v4/leads/tags', [{ name: 'Проект X' }]);
    const t2 = await api('POST', '/api/v4/leads/tags', [{ name: 'Проект X' }]);
    expect(at(t1.body, '_embedded.tags.0.id')).toBe(at(t2.body, '_embedded.tags.0.id'));
    const tags = await api('GET', `/api/v4/leads/tags?query=${encodeURIComponent('Проект')}`);
    expect(arr(at(tags.body, '_embedded.tags'))).toHaveLength(1);
  });
});
