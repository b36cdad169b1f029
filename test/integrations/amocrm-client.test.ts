// AmoClient against the fake: the account, its settings, the entities, one gate call per request.
import { describe, expect, it } from 'vitest';
import {
  type AmoComplexResult,
  contactChannels,
  fieldValue,
  readField,
  tagRefs,
} from '../../src/integrations/amocrm/client.js';
import {
  amo,
  amoError,
  CountingGate,
  client,
  clientWith,
  fault,
  gate,
  requestsSince,
  setUpAmoClient,
} from './amocrm-client-fixtures.js';

setUpAmoClient();

describe('AmoClient against the fake amoCRM', () => {
  describe('account settings', () => {
    it('reads the account and the pipelines with their statuses', async () => {
      const account = await client.account();
      expect(account).toMatchObject({ id: 31_415_926, subdomain: 'leadtrail', name: 'ООО «Лидтрейл Тест»' });

      const pipelines = await client.pipelines();
      expect(pipelines.map((p) => p.name)).toEqual(['Воронка', 'Оптовые продажи']);
      const main = pipelines.find((p) => p.is_main);
      expect(main?.statuses.map((s) => s.id)).toEqual(expect.arrayContaining([142, 143]));
      expect(main?.statuses[0]).toMatchObject({ name: 'Неразобранное', type: 1 });
      for (const s of main?.statuses ?? []) expect(typeof s.name).toBe('string');
    });

    it('lists users across pages', async () => {
      const seeded = amo.state.users.length;
      for (let i = 0; i < 260; i++) {
        amo.state.users.push({
          id: 9_000_000 + i,
          name: `Менеджер ${i}`,
          email: `manager${i}@example.ru`,
          lang: 'ru',
          is_admin: false,
          is_active: true,
          group_id: 0,
        });
      }
      const mark = amo.state.requestLog.length;
      const users = await client.users();
      expect(users).toHaveLength(seeded + 260);
      expect(users[0]).toMatchObject({ id: 8_100_001, name: 'Иван Петров', email: 'ivan.petrov@example.ru' });
      expect(users.at(-1)).toMatchObject({ id: 9_000_259, email: 'manager259@example.ru' });
      const pages = requestsSince(amo, mark, 'GET', '/api/v4/users');
      expect(pages.map((r) => new URLSearchParams(r.query).get('page'))).toEqual(['1', '2']);
      expect(new URLSearchParams(pages[0]?.query).get('limit')).toBe('250');
    });

    it('lists custom fields with their enums', async () => {
      const fields = await client.customFields('contacts');
      const phone = fields.find((f) => f.code === 'PHONE');
      expect(phone).toMatchObject({ name: 'Телефон', type: 'multitext' });
      expect(phone?.enums?.map((e) => e.value)).toContain('WORK');
      const leadFields = await client.customFields('leads');
      expect(leadFields.find((f) => f.code === 'UTM_SOURCE')?.type).toBe('tracking_data');
    });

    it('creates custom fields in chunks of 50 and lists them across pages', async () => {
      const before = (await client.customFields('companies')).length;
      const mark = amo.state.requestLog.length;
      const created = await client.createCustomFields(
        'companies',
        Array.from({ length: 260 }, (_, i) => ({ name: `Поле ${i}`, type: 'text' })),
      );
      expect(created).toHaveLength(260);
      expect(created[0]).toMatchObject({ name: 'Поле 0', type: 'text' });
      expect(created[259]?.name).toBe('Поле 259');
      expect(new Set(created.map((f) => f.id)).size).toBe(260);
      expect(requestsSince(amo, mark, 'POST', '/api/v4/companies/custom_fields')).toHaveLength(6);

      const listMark = amo.state.requestLog.length;
      const all = await client.customFields('companies');
      expect(all).toHaveLength(before + 260);
      expect(requestsSince(amo, listMark, 'GET', '/api/v4/companies/custom_fields')).toHaveLength(2);

      const [select] = await client
        .createCustomFields('leads', [
          { name: 'GA client id', type: 'text' },
          { name: 'Канал', type: 'select', enums: [{ value: 'SEO' }, { value: 'Реклама' }] },
        ])
        .then((r) => r.slice(1));
      expect(select?.enums?.map((e) => e.value)).toEqual(['SEO', 'Реклама']);
    });
  });

  describe('entities', () => {
    let contactId: number;
    let companyId: number;
    let leadId: number;

    it('creates, reads and updates contacts and companies with Cyrillic names and +7 phones', async () => {
      const position = (await client.customFields('contacts')).find((f) => f.code === 'POSITION');
      expect(position).toBeDefined();
      [contactId] = (await client.createContacts([
        {
          first_name: 'Пётр',
          last_name: 'Смирнов',
          custom_fields_values: [
            ...contactChannels({ phone: '+79161234567', email: 'petr.smirnov@example.ru' }),
            fieldValue(position?.id ?? 0, 'Директор'),
          ],
          _embedded: { tags: tagRefs('Лидтрейл: Проект') },
        },
      ])) as [number];
      [companyId] = (await client.createCompanies([
        {
          name: 'ООО «Ромашка»',
          custom_fields_values: contactChannels({ phone: '+7 (495) 123-45-67', email: 'info@romashka.ru' }),
        },
      ])) as [number];

      const contact = await client.getContact(contactId);
      expect(contact).toMatchObject({ id: contactId, name: 'Пётр Смирнов', first_name: 'Пётр' });
      expect(readField(contact!, 'PHONE')[0]).toMatchObject({ value: '+79161234567', enum_code: 'WORK' });
      expect(readField(contact!, 'EMAIL')[0]).toMatchObject({ value: 'petr.smirnov@example.ru' });
      expect(readField(contact!, position!.id)[0]?.value).toBe('Директор');
      expect(contact?._embedded?.tags?.map((t) => t.name)).toEqual(['Лидтрейл: Проект']);

      const company = await client.getCompany(companyId);
      expect(company?.name).toBe('ООО «Ромашка»');
      expect(readField(company!, 'PHONE')[0]?.value).toBe('+7 (495) 123-45-67');

      expect(
        await client.updateContacts([
          { id: contactId, last_name: 'Смирнов-Кузнецов', tags_to_add: tagRefs('VIP') },
        ]),
      ).toEqual([contactId]);
      expect(await client.updateCompanies([{ id: companyId, name: 'ООО «Ромашка и Ко»' }])).toEqual([
        companyId,
      ]);
      const renamed = await client.getContact(contactId);
      expect(renamed?.name).toBe('Пётр Смирнов-Кузнецов');
      expect(renamed?._embedded?.tags?.map((t) => t.name)).toEqual(['Лидтрейл: Проект', 'VIP']);
      expect((await client.getCompany(companyId))?.name).toBe('ООО «Ромашка и Ко»');
    });

    it('creates a lead with tags, a custom field and an embedded contact; updates it', async () => {
      const pipelines = await client.pipelines();
      const wholesale = pipelines.find((p) => p.name === 'Оптовые продажи')!;
      const status = wholesale.statuses.find((s) => s.name === 'Счёт выставлен')!;
      const comment = (await client.customFields('leads')).find((f) => f.name === 'Комментарий')!;
      [leadId] = (await client.createLeads([
        {
          name: 'Заявка с сайта: кухня на заказ',
          price: 150_000,
          pipeline_id: wholesale.id,
          status_id: status.id,
          responsible_user_id: 8_100_002,
          custom_fields_values: [fieldValue(comment.id, 'Перезвонить после 18:00')],
          _embedded: { tags: tagRefs('Лидтрейл: Проект'), contacts: [{ id: contactId, is_main: true }] },
        },
      ])) as [number];

      const lead = await client.getLead(leadId, { withContacts: true });
      expect(lead).toMatchObject({
        id: leadId,
        name: 'Заявка с сайта: кухня на заказ',
        price: 150_000,
        pipeline_id: wholesale.id,
        status_id: status.id,
        responsible_user_id: 8_100_002,
      });
      expect(readField(lead!, comment.id)[0]?.value).toBe('Перезвонить после 18:00');
      expect(lead?._embedded?.tags?.map((t) => t.name)).toEqual(['Лидтрейл: Проект']);
      expect(lead?._embedded?.contacts).toEqual([expect.objectContaining({ id: contactId, is_main: true })]);
      // without `with=contacts` amoCRM leaves the contacts out
      expect((await client.getLead(leadId))?._embedded?.contacts).toBeUndefined();

      expect(
        await client.updateLeads([{ id: leadId, price: 175_000, tags_to_add: tagRefs('Обновлено') }]),
      ).toEqual([leadId]);
      const updated = await client.getLead(leadId);
      expect(updated?.price).toBe(175_000);
      expect(updated?._embedded?.tags?.map((t) => t.name)).toEqual(['Лидтрейл: Проект', 'Обновлено']);

      const contact = await client.getContact(contactId, { withLeads: true });
      expect(contact?._embedded?.leads?.map((l) => l.id)).toEqual([leadId]);
    });

    it('answers null for entities that do not exist', async () => {
      expect(await client.getLead(1)).toBeNull();
      expect(await client.getContact(1)).toBeNull();
      expect(await client.getCompany(1)).toBeNull();
    });

    it('splits 60 leads into two requests and returns the ids in order', async () => {
      const mark = amo.state.requestLog.length;
      const gateBefore = gate.calls;
      const ids = await client.createLeads(Array.from({ length: 60 }, (_, i) => ({ name: `Лид №${i}` })));
      expect(ids).toHaveLength(60);
      expect(new Set(ids).size).toBe(60);
      expect(requestsSince(amo, mark, 'POST', '/api/v4/leads')).toHaveLength(2);
      expect(gate.calls - gateBefore).toBe(2);
      expect((await client.getLead(ids[0]!))?.name).toBe('Лид №0');
      expect((await client.getLead(ids[59]!))?.name).toBe('Лид №59');

      const updated = await client.updateLeads(ids.map((id, i) => ({ id, price: i * 100 })));
      expect(updated).toEqual(ids);
      expect(requestsSince(amo, mark, 'PATCH', '/api/v4/leads')).toHaveLength(2);
      expect((await client.getLead(ids[42]!))?.price).toBe(4_200);
    });

    it('creates complex leads (new and existing contact, new company) in chunks of 50', async () => {
      const results = await client.createComplexLeads([
        {
          name: 'Комплексная заявка',
          price: 5_000,
          _embedded: {
            tags: tagRefs('Лидтрейл: Проект'),
            contacts: [
              {
                first_name: 'Анна',
                last_name: 'Иванова',
                custom_fields_values: contactChannels({ phone: '+79035550011', email: 'anna@example.ru' }),
              },
            ],
            companies: [{ name: 'ИП Иванова А. С.' }],
          },
        },
        { name: 'Повторное обращение', _embedded: { contacts: [{ id: contactId }] } },
      ]);
      expect(results).toHaveLength(2);
      const [first, second] = results as [AmoComplexResult, AmoComplexResult];
      expect(first).toMatchObject({ request_id: ['0'], merged: false });
      expect(first.contact_id).toEqual(expect.any(Number));
      expect(first.company_id).toEqual(expect.any(Number));
      expect(second).toMatchObject({ contact_id: contactId, company_id: null, request_id: ['1'] });

      const lead = await client.getLead(first.id, { withContacts: true });
      expect(lead?._embedded?.contacts?.[0]?.id).toBe(first.contact_id);
      expect(lead?._embedded?.companies?.[0]?.id).toBe(first.company_id);
      const anna = await client.getContact(first.contact_id!);
      expect(anna?.name).toBe('Анна Иванова');
      expect(readField(anna!, 'PHONE')[0]?.value).toBe('+79035550011');

      const mark = amo.state.requestLog.length;
      const many = await client.createComplexLeads(
        Array.from({ length: 55 }, (_, i) => ({ name: `Комплекс ${i}` })),
      );
      expect(many).toHaveLength(55);
      expect(many.map((r) => r.request_id[0])).toEqual(Array.from({ length: 55 }, (_, i) => String(i)));
      expect(requestsSince(amo, mark, 'POST', '/api/v4/leads/complex')).toHaveLength(2);
    });

    it('finds contacts by e-mail and by phone digits; nothing found (204) is an empty list', async () => {
      expect((await client.findContacts('petr.smirnov@example.ru')).map((c) => c.id)).toEqual([contactId]);
      expect((await client.findContacts('9161234567')).map((c) => c.id)).toEqual([contactId]);
      const mark = amo.state.requestLog.length;
      expect(await client.findContacts('nobody@example.org')).toEqual([]);
      expect(requestsSince(amo, mark, 'GET', '/api/v4/contacts')[0]?.status).toBe(204);
      expect(await client.findContacts('   ')).toEqual([]);

      const withLeads = await client.findContacts('petr.smirnov@example.ru', { withLeads: true });
      expect(withLeads[0]?._embedded?.leads?.map((l) => l.id)).toContain(leadId);
      expect((await client.findLeads('кухня на заказ')).map((l) => l.id)).toEqual([leadId]);
      expect((await client.findCompanies('Ромашка')).map((c) => c.id)).toEqual([companyId]);
    });

    it('pages through a search with more than 250 matches', async () => {
      await client.createContacts(
        Array.from({ length: 260 }, (_, i) => ({
          name: `Клиент-пагинация ${i}`,
          custom_fields_values: contactChannels({ phone: `+7999000${String(i).padStart(4, '0')}` }),
        })),
      );
      const mark = amo.state.requestLog.length;
      const found = await client.findContacts('Клиент-пагинация');
      expect(found).toHaveLength(260);
      expect(requestsSince(amo, mark, 'GET', '/api/v4/contacts')).toHaveLength(2);
    });

    it('links a lead to a company and a contact', async () => {
      const [lead] = (await client.createLeads([{ name: 'Сделка без связей' }])) as [number];
      const links = await client.link('leads', lead, [
        { to_entity_type: 'companies', to_entity_id: companyId },
        { to_entity_type: 'contacts', to_entity_id: contactId, metadata: { is_main: true } },
      ]);
      expect(links).toEqual([
        expect.objectContaining({ entity_id: lead, to_entity_type: 'companies', to_entity_id: companyId }),
        expect.objectContaining({
          entity_id: lead,
          to_entity_type: 'contacts',
          to_entity_id: contactId,
          metadata: { main_contact: true },
        }),
      ]);
      const read = await client.getLead(lead, { withContacts: true });
      expect(read?._embedded?.companies?.map((c) => c.id)).toEqual([companyId]);
      expect(read?._embedded?.contacts?.map((c) => c.id)).toEqual([contactId]);
      expect(await client.link('leads', lead, [])).toEqual([]);
    });

    it('adds notes', async () => {
      const ids = await client.addNotes('leads', [
        {
          entity_id: leadId,
          note_type: 'common',
          params: { text: 'Источник: google / cpc, кампания «Кухни»' },
        },
        { entity_id: leadId, note_type: 'common', params: { text: 'Второе примечание' } },
      ]);
      expect(ids).toHaveLength(2);
      const stored = amo.state.notes.filter((n) => ids.includes(n.id));
      expect(stored.map((n) => n.params.text)).toEqual([
        'Источник: google / cpc, кампания «Кухни»',
        'Второе примечание',
      ]);
      expect(stored.every((n) => n.entity_id === leadId && n.entity_type === 'leads')).toBe(true);
    });
  });

  it('calls gate.acquire once per HTTP request', async () => {
    const counting = new CountingGate();
    const c = clientWith({ gate: counting });
    const mark = amo.state.requestLog.length;
    await c.account();
    await c.users();
    await c.pipelines();
    await c.customFields('companies');
    await c.createContacts(Array.from({ length: 51 }, (_, i) => ({ name: `Контакт ${i}` })));
    await c.findContacts('Клиент-пагинация');
    await c.getLead(1);
    await fault(amo, { op: 'failNext', status: 500 });
    await amoError(c.account());
    const sent = requestsSince(amo, mark).length;
    expect(sent).toBeGreaterThanOrEqual(11);
    expect(counting.calls).toBe(sent);
  });
});
