// amoCRM delivery that creates: mode 1, and the company of B2B leads.
import { describe, expect, it } from 'vitest';
import { sweepExpired } from '../../src/housekeeping/expired.js';
import { readField } from '../../src/integrations/amocrm/client.js';
import { collect, randomId } from '../helpers/collect.js';
import { until } from '../helpers/until.js';
import {
  amo,
  client,
  createBoth,
  dealsNamed,
  deliveries,
  direct,
  leadField,
  newLead,
  newProject,
  SITE,
  server,
  settled,
  setUpDelivery,
} from './amocrm-sync-fixtures.js';

setUpDelivery();

describe('amoCRM delivery — mode 1 (create, then update)', () => {
  it('creates the deal and contact in seconds, linked, tagged, with the defaults and the parameters known', async () => {
    const p = await newProject(createBoth);
    const cid = randomId(18);
    await collect(server.url, {
      site: p.siteKey,
      cid,
      url: `${SITE}/?utm_source=yandex&utm_medium=cpc&utm_campaign=%D0%B2%D0%B5%D1%81%D0%BD%D0%B0`,
      ga: '1234567890.1234567890',
    });
    const started = Date.now();
    const leadId = await newLead(p, {
      type: 'form',
      contact: { name: 'Анна Иванова', email: 'anna@divan.ru', phone: '8 912 345-67-89' },
      subject: 'Диван «Милан»',
      message: 'Перезвоните после 18:00',
      visitorId: cid,
    });
    const ds = await settled(leadId);
    const ms = Date.now() - started;
    expect(ms).toBeLessThan(5_000);
    const deal = ds.find((d) => d.entity === 'deal');
    const contact = ds.find((d) => d.entity === 'contact');
    expect(deal).toMatchObject({ state: 'done', mode: 'create' });
    expect(contact).toMatchObject({ state: 'done', mode: 'create' });

    const remote = await direct.getLead(deal?.remoteId ?? 0);
    expect(remote?.name).toBe('Диван «Милан»');
    expect(remote?.responsible_user_id).toBe(8_100_002);
    const values = (field: string) => readField(remote as never, leadField(field)).map((v) => v.value);
    expect(values('Источник (Leadtrail)')).toEqual(['yandex']);
    expect(values('Кампания (Leadtrail)')).toEqual(['весна']);
    expect(values('Полный путь перехода (Leadtrail)')).toEqual(['yandex / cpc']);
    expect(values('Идентификатор клиента GA (Leadtrail)')).toEqual(['1234567890.1234567890']);
    expect(values('ID лида Leadtrail')).toEqual([leadId]);

    const person = await direct.getContact(contact?.remoteId ?? 0);
    expect(person?.name).toBe('Анна Иванова');
    expect(readField(person as never, 'PHONE')).toMatchObject([{ value: '+79123456789', enum_code: 'WORK' }]);
    expect(readField(person as never, 'EMAIL')).toMatchObject([
      { value: 'anna@divan.ru', enum_code: 'WORK' },
    ]);
    const tagNames = (e: { _embedded?: unknown }) =>
      ((e as { tags?: Array<{ name: string }> }).tags ?? []).map((t) => t.name);
    const fetched = await direct.getLead(deal?.remoteId ?? 0, { withContacts: true });
    expect(fetched?._embedded?.contacts?.map((c) => c.id)).toEqual([contact?.remoteId]);
    expect(fetched?._embedded?.tags?.map((t) => t.name)).toEqual([p.name]);
    expect(tagNames).toBeDefined();
    const notes = await until('the note', async () => {
      const list = amo.state.notesList.filter((n) => n.entity_id === deal?.remoteId);
      return list.length > 0 && list;
    });
    expect(notes.map((n) => (n.params as { text?: string }).text)).toEqual(['Перезвоните после 18:00']);
  });

  it('creates at once and updates the same deal when the visit data arrives later', async () => {
    const p = await newProject(createBoth);
    const cid = randomId(18);
    const leadId = await newLead(p, {
      type: 'form',
      contact: { name: 'Олег', phone: '+7 903 111-22-33' },
      subject: 'Поздняя атрибуция',
      visitorId: cid,
    });
    const first = await until('waiting', async () => {
      const ds = await deliveries(leadId);
      return ds.find((d) => d.entity === 'deal' && d.state === 'waiting');
    });
    const deal = await direct.getLead(first.remoteId ?? 0);
    expect(readField(deal as never, leadField('Источник (Leadtrail)'))).toEqual([]);

    await collect(server.url, {
      site: p.siteKey,
      cid,
      url: `${SITE}/?utm_source=vk&utm_medium=social&utm_campaign=%D0%BE%D1%81%D0%B5%D0%BD%D1%8C`,
      ref: 'https://vk.com/',
    });
    const ds = await settled(leadId);
    expect(ds.find((d) => d.entity === 'deal')).toMatchObject({ state: 'done', remoteId: first.remoteId });
    const updated = await direct.getLead(first.remoteId ?? 0);
    expect(readField(updated as never, leadField('Источник (Leadtrail)')).map((v) => v.value)).toEqual([
      'vk',
    ]);
    expect(readField(updated as never, leadField('Кампания (Leadtrail)')).map((v) => v.value)).toEqual([
      'осень',
    ]);
    expect(dealsNamed('Поздняя атрибуция')).toHaveLength(1);
  });

  it('stops waiting for visit data when the window closes', async () => {
    const p = await newProject(createBoth);
    const leadId = await newLead(p, {
      type: 'form',
      contact: { email: 'late@divan.ru' },
      visitorId: randomId(18),
    });
    await until('waiting', async () => {
      const ds = await deliveries(leadId);
      return ds.length === 2 && ds.every((d) => d.state === 'waiting');
    });
    await server.db
      .updateTable('deliveries')
      .set({ window_ends_at: new Date(Date.now() - 1000) })
      .where('lead_id', '=', leadId)
      .execute();
    expect((await sweepExpired(server.db)).deliveries).toBe(2);
    expect((await deliveries(leadId)).map((d) => [d.state, d.reason])).toEqual([
      ['done', 'no visit data arrived within the window'],
      ['done', 'no visit data arrived within the window'],
    ]);
  });

  it('passes only the chosen lead types, and not duplicates', async () => {
    const p = await newProject(createBoth);
    const phone = await newLead(p, {
      type: 'phone',
      contact: { phone: '+7 495 000-00-01' },
      subject: 'Звонок',
    });
    expect((await settled(phone)).map((d) => [d.entity, d.state, d.reason])).toEqual([
      ['contact', 'skipped', 'phone leads are not passed to amoCRM'],
      ['deal', 'skipped', 'phone leads are not passed to amoCRM'],
    ]);
    expect(dealsNamed('Звонок')).toHaveLength(0);

    const a = await newLead(p, { type: 'form', contact: { email: 'twice@divan.ru' }, subject: 'Дубль' });
    await settled(a);
    const b = await newLead(p, { type: 'form', contact: { email: 'twice@divan.ru' }, subject: 'Дубль' });
    const ds = await settled(b);
    expect(ds.every((d) => d.state === 'skipped' && d.reason?.startsWith(`duplicate of lead ${a}`))).toBe(
      true,
    );
    expect(dealsNamed('Дубль')).toHaveLength(1);
  });
});

describe('amoCRM delivery — B2B leads name their company', () => {
  it('creates deal, contact and company, linked, tagged, with the responsible user and mapped fields', async () => {
    const p = await newProject({
      ...createBoth,
      entities: {
        ...createBoth.entities,
        company: {
          enabled: true,
          create: ['form'],
          responsibleUserId: 8_100_003,
          fields: { source: 'create' },
        },
      },
    });
    const cid = randomId(18);
    await collect(server.url, { site: p.siteKey, cid, url: `${SITE}/?utm_source=yandex&utm_medium=cpc` });
    const leadId = await newLead(p, {
      type: 'form',
      contact: { name: 'Ирина', email: 'irina@romashka.ru', company: 'ООО «Ромашка»' },
      subject: 'Опт',
      visitorId: cid,
    });
    const lead = await client.get<{ contact: { company: string | null } }>(`/api/v1/leads/${leadId}`);
    expect(lead.body.contact.company).toBe('ООО «Ромашка»');
    const ds = await settled(leadId);
    const company = ds.find((d) => d.entity === 'company');
    expect(company).toMatchObject({ state: 'done', mode: 'create' });
    const deal = ds.find((d) => d.entity === 'deal');
    const contact = ds.find((d) => d.entity === 'contact');
    const remote = await direct.getCompany(company?.remoteId ?? 0, { withContacts: true, withLeads: true });
    expect(remote?.name).toBe('ООО «Ромашка»');
    expect(remote?.responsible_user_id).toBe(8_100_003);
    expect(remote?._embedded?.tags?.map((t) => t.name)).toEqual([p.name]);
    expect(remote?._embedded?.contacts?.map((c) => c.id)).toEqual([contact?.remoteId]);
    expect(remote?._embedded?.leads?.map((l) => l.id)).toEqual([deal?.remoteId]);
    const source =
      amo.state.customFieldsByEntity.companies.find((f) => f.name === 'Источник (Leadtrail)')?.id ?? 0;
    expect(readField(remote as never, source).map((v) => v.value)).toEqual(['yandex']);
  });

  it('skips the company of a lead that names none', async () => {
    const p = await newProject({
      ...createBoth,
      entities: { ...createBoth.entities, company: { enabled: true, create: ['form'], fields: {} } },
    });
    const leadId = await newLead(p, {
      type: 'form',
      contact: { email: 'solo@divan.ru' },
      subject: 'Без компании',
    });
    const ds = await settled(leadId);
    expect(ds.find((d) => d.entity === 'company')).toMatchObject({
      state: 'skipped',
      reason: 'the lead names no company',
    });
  });
});
