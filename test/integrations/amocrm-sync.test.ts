import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeAmo, startFakeAmo } from '../../fakes/amocrm/server.js';
import { sweepExpired } from '../../src/housekeeping/expired.js';
import { AmoClient, readField } from '../../src/integrations/amocrm/client.js';
import { type ApiClient, signUp } from '../helpers/client.js';
import { collect, randomId } from '../helpers/collect.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/until.js';

let server: TestServer;
let amo: FakeAmo;
let client: ApiClient;
let amoToken: string;
let direct: AmoClient;

const SITE = 'https://divan.ru';

interface Project {
  id: string;
  siteKey: string;
  apiKey: string;
  name: string;
}
interface Delivery {
  id: string;
  entity: string;
  mode: string;
  state: string;
  reason: string | null;
  remoteId: number | null;
  lastError: string | null;
}

beforeAll(async () => {
  server = await startTestServer({
    ALLOW_CUSTOM_INTEGRATION_HOSTS: 'true',
    DELIVERY_RETRY_SECONDS: '1',
    INTEGRATION_PROBE_SECONDS: '2',
  });
  amo = await startFakeAmo();
  amoToken = amo.issueLongLivedToken();
  // Its own token and pace: amoCRM counts 7 requests a second per token.
  const directToken = amo.issueLongLivedToken();
  let last = 0;
  direct = new AmoClient({
    baseUrl: amo.url,
    tokens: { get: async () => directToken, renew: async () => directToken },
    gate: {
      acquire: async () => {
        const wait = last + 200 - Date.now();
        last = Math.max(Date.now(), last + 200);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      },
    },
  });
  ({ client } = await signUp(server.url));
});
afterAll(async () => {
  await amo?.close();
  await server?.close();
});
beforeEach(() => amo.faults.reset());

let projects = 0;
async function newProject(settings: Record<string, unknown>): Promise<Project> {
  const name = `Диваны ${++projects}`;
  const r = await client.post<Project>('/api/v1/projects', { name, domains: ['divan.ru'] });
  const project = { ...r.body, name };
  const put = await client.put(`/api/v1/projects/${project.id}/integrations/amocrm`, {
    connection: { subdomain: 'acme', baseUrl: amo.url, longLivedToken: amoToken },
    ...settings,
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  return project;
}

async function postLead(p: Project, body: Record<string, unknown>): Promise<string> {
  const r = await fetch(`${server.url}/api/v1/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': p.apiKey },
    body: JSON.stringify(body),
  });
  const j = (await r.json()) as { id: string };
  expect(r.status, JSON.stringify(j)).toBe(201);
  return j.id;
}

const deliveries = async (leadId: string) =>
  (await client.get<{ items: Delivery[] }>(`/api/v1/leads/${leadId}/deliveries`)).body.items;

const settled = (leadId: string, states = ['done', 'skipped', 'failed']) =>
  until(`deliveries of ${leadId}`, async () => {
    const ds = await deliveries(leadId);
    return ds.length > 0 && ds.every((d) => states.includes(d.state)) && ds;
  });

const leadField = (name: string) =>
  amo.state.customFieldsByEntity.leads.find((f) => f.name === name)?.id ?? 0;
const dealsNamed = (name: string) => [...amo.state.entities.leads.values()].filter((l) => l.name === name);

const createBoth = {
  leadTypes: ['form', 'email', 'offline'],
  entities: {
    deal: {
      enabled: true,
      create: ['form', 'offline'],
      responsibleUserId: 8_100_002,
      fields: {
        source: 'create',
        campaign: 'create',
        path: 'create',
        ga_client_id: 'create',
        page: 'create',
      },
    },
    contact: { enabled: true, create: ['form', 'offline'], fields: { city: 'create' } },
  },
};

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
    const leadId = await postLead(p, {
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
    const leadId = await postLead(p, {
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
    const leadId = await postLead(p, {
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
    const phone = await postLead(p, {
      type: 'phone',
      contact: { phone: '+7 495 000-00-01' },
      subject: 'Звонок',
    });
    expect((await settled(phone)).map((d) => [d.entity, d.state, d.reason])).toEqual([
      ['contact', 'skipped', 'phone leads are not passed to amoCRM'],
      ['deal', 'skipped', 'phone leads are not passed to amoCRM'],
    ]);
    expect(dealsNamed('Звонок')).toHaveLength(0);

    const a = await postLead(p, { type: 'form', contact: { email: 'twice@divan.ru' }, subject: 'Дубль' });
    await settled(a);
    const b = await postLead(p, { type: 'form', contact: { email: 'twice@divan.ru' }, subject: 'Дубль' });
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
    const leadId = await postLead(p, {
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
    const leadId = await postLead(p, {
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

describe('amoCRM delivery — mode 2 (find and update)', () => {
  const updateOnly = (windowMinutes = 180) => ({
    leadTypes: ['form', 'email'],
    windowMinutes,
    entities: {
      deal: { enabled: true, create: [], fields: { source: 'create', ga_client_id: 'create' } },
      contact: { enabled: true, create: [], fields: {} },
    },
  });

  it('finds the contact by exact e-mail and updates its most recent deal', async () => {
    const p = await newProject(updateOnly());
    const email = `buyer.${randomId(4)}@divan.ru`.toLowerCase();
    // A fuzzy namesake that must not be taken, and the real contact with two deals.
    await direct.createContacts([
      {
        name: 'Похожий',
        custom_fields_values: [{ field_code: 'EMAIL', values: [{ value: `x${email}`, enum_code: 'WORK' }] }],
      },
    ]);
    const [contactId] = await direct.createContacts([
      {
        name: 'Покупатель',
        custom_fields_values: [{ field_code: 'EMAIL', values: [{ value: email, enum_code: 'WORK' }] }],
      },
    ]);
    const [older] = await direct.createLeads([{ name: 'Старая сделка' }]);
    amo.state.advanceTime(60);
    const [newer] = await direct.createLeads([{ name: 'Новая сделка' }]);
    for (const id of [older, newer])
      await direct.link('leads', id as number, [
        { to_entity_type: 'contacts', to_entity_id: contactId as number },
      ]);

    const cid = randomId(18);
    await collect(server.url, { site: p.siteKey, cid, url: `${SITE}/?utm_source=google&utm_medium=cpc` });
    const leadId = await postLead(p, { type: 'email', contact: { email }, visitorId: cid });
    const ds = await settled(leadId);
    expect(ds.find((d) => d.entity === 'deal')).toMatchObject({
      state: 'done',
      mode: 'update',
      remoteId: newer,
    });
    expect(ds.find((d) => d.entity === 'contact')).toMatchObject({ state: 'done', remoteId: contactId });
    const deal = await direct.getLead(newer as number);
    expect(readField(deal as never, leadField('Источник (Leadtrail)')).map((v) => v.value)).toEqual([
      'google',
    ]);
    expect(deal?._embedded?.tags?.map((t) => t.name)).toContain(p.name);
    const old = await direct.getLead(older as number);
    expect(readField(old as never, leadField('Источник (Leadtrail)'))).toEqual([]);
  });

  it('keeps searching while the window is open, then says it was not found', async () => {
    const p = await newProject(updateOnly(1));
    const leadId = await postLead(p, { type: 'email', contact: { email: 'nobody@divan.ru' } });
    const searching = await until('searching', async () => {
      const ds = await deliveries(leadId);
      return ds.length === 2 && ds.every((d) => d.state === 'searching') && ds;
    });
    expect(searching[0]?.reason).toMatch(/not found yet/);
    // The window closes; the next look ends the search.
    await server.db
      .updateTable('deliveries')
      .set({ window_ends_at: new Date(Date.now() - 1000) })
      .where('lead_id', '=', leadId)
      .execute();
    await client.post(`/api/v1/deliveries/${searching[0]?.id}/retry`);
    await server.db
      .updateTable('deliveries')
      .set({ window_ends_at: new Date(Date.now() - 1000) })
      .where('lead_id', '=', leadId)
      .execute();
    const ds = await settled(leadId);
    expect(ds.map((d) => d.state)).toEqual(['skipped', 'skipped']);
    expect(ds[0]?.reason).toContain('not found in amoCRM within 1 minutes');
  });

  it('does not update an entity whose GA client id field holds another visitor’s id', async () => {
    const p = await newProject(updateOnly());
    const email = `ga.${randomId(4)}@divan.ru`.toLowerCase();
    const [contactId] = await direct.createContacts([
      {
        name: 'С GA',
        custom_fields_values: [{ field_code: 'EMAIL', values: [{ value: email, enum_code: 'WORK' }] }],
      },
    ]);
    const gaField = leadField('Идентификатор клиента GA (Leadtrail)');
    const [dealId] = await direct.createLeads([
      {
        name: 'Уже размечена',
        custom_fields_values: [{ field_id: gaField, values: [{ value: '999.111' }] }],
      },
    ]);
    await direct.link('leads', dealId as number, [
      { to_entity_type: 'contacts', to_entity_id: contactId as number },
    ]);
    const cid = randomId(18);
    await collect(server.url, {
      site: p.siteKey,
      cid,
      url: `${SITE}/?utm_source=google&utm_medium=cpc`,
      ga: '555.777',
    });
    const leadId = await postLead(p, { type: 'email', contact: { email }, visitorId: cid });
    const ds = await settled(leadId);
    expect(ds.find((d) => d.entity === 'deal')?.reason).toBe(
      'not updated: its GA client id field already holds 999.111',
    );
    const deal = await direct.getLead(dealId as number);
    expect(readField(deal as never, leadField('Источник (Leadtrail)'))).toEqual([]);
  });
});

describe('amoCRM delivery — duplicate control merges the new deal', () => {
  const logOf = async (p: Project, leadId: string) =>
    (
      await client.get<{ items: Array<{ leadId: string | null; message: string }> }>(
        `/api/v1/projects/${p.id}/integrations/amocrm/log?limit=200`,
      )
    ).body.items
      .filter((l) => l.leadId === leadId)
      .map((l) => l.message);

  async function existingDeal(email: string, gaValue?: string) {
    const [contactId] = await direct.createContacts([
      {
        name: 'Постоянный клиент',
        custom_fields_values: [{ field_code: 'EMAIL', values: [{ value: email, enum_code: 'WORK' }] }],
      },
    ]);
    const ga = leadField('Идентификатор клиента GA (Leadtrail)');
    const [dealId] = await direct.createLeads([
      {
        name: 'Прошлая сделка',
        ...(gaValue ? { custom_fields_values: [{ field_id: ga, values: [{ value: gaValue }] }] } : {}),
      },
    ]);
    await direct.link('leads', dealId as number, [
      { to_entity_type: 'contacts', to_entity_id: contactId as number },
    ]);
    return { contactId: contactId as number, dealId: dealId as number };
  }

  it('treats the merged deal as found: updated with the lead, GA guard honoured, said in the log', async () => {
    const p = await newProject(createBoth);
    const a = `merge.${randomId(4)}@divan.ru`.toLowerCase();
    const b = `merge.ga.${randomId(4)}@divan.ru`.toLowerCase();
    const plain = await existingDeal(a);
    const guarded = await existingDeal(b, '999.111');
    amo.state.duplicateControl = true;
    try {
      const cid = randomId(18);
      await collect(server.url, {
        site: p.siteKey,
        cid,
        url: `${SITE}/?utm_source=google&utm_medium=cpc`,
        ga: '555.777',
      });
      const subject = `Повторная заявка ${randomId(3)}`;
      const first = await postLead(p, { type: 'form', contact: { email: a }, subject, visitorId: cid });
      const second = await postLead(p, { type: 'form', contact: { email: b }, subject, visitorId: cid });

      const ds1 = await settled(first);
      expect(ds1.find((d) => d.entity === 'deal')).toMatchObject({ state: 'done', remoteId: plain.dealId });
      expect(ds1.find((d) => d.entity === 'contact')).toMatchObject({ remoteId: plain.contactId });
      const deal = await direct.getLead(plain.dealId);
      expect(readField(deal as never, leadField('Источник (Leadtrail)')).map((v) => v.value)).toEqual([
        'google',
      ]);
      const log1 = await logOf(p, first);
      expect(log1.join('\n')).toMatch(/merged/);
      expect(log1.join('\n')).not.toMatch(new RegExp(`deal ${plain.dealId} created`));

      const ds2 = await settled(second);
      expect(ds2.find((d) => d.entity === 'deal')).toMatchObject({
        state: 'done',
        remoteId: guarded.dealId,
        reason: 'not updated: its GA client id field already holds 999.111',
      });
      const kept = await direct.getLead(guarded.dealId);
      expect(readField(kept as never, leadField('Источник (Leadtrail)'))).toEqual([]);
      expect(dealsNamed(subject)).toHaveLength(0);
    } finally {
      amo.state.duplicateControl = false;
    }
  });
});

describe('amoCRM delivery — failures', () => {
  it('every lead gets exactly one deal through 429s, 500s and answers lost after the write', async () => {
    const p = await newProject(createBoth);
    amo.faults.failRandom(0.2, [429, 500], 7);
    amo.faults.timeoutAfterWrite({ ratio: 0.2 }, 'destroy', 11);
    // One by one, so each lead goes in its own request and meets the faults on its own.
    const subjects = Array.from({ length: 20 }, (_, i) => `Сбой ${i} ${randomId(3)}`);
    const ids: string[] = [];
    for (const [i, subject] of subjects.entries()) {
      const email = `f${i}.${randomId(3)}@divan.ru`.toLowerCase();
      ids.push(await postLead(p, { type: 'form', contact: { email }, subject }));
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const id of ids)
      await until(
        `deal of ${id}`,
        async () => (await deliveries(id)).find((d) => d.entity === 'deal' && d.remoteId),
        // exponential backoff: a lead unlucky several times in a row waits a minute or two
        150_000,
      );
    const { injected } = amo.faults.describe() as { injected: { random: number; timeout: number } };
    amo.faults.reset();
    for (const s of subjects) expect(dealsNamed(s), s).toHaveLength(1);
    // The faults did happen: refused requests and writes whose answer was lost.
    expect(injected.random).toBeGreaterThan(0);
    expect(injected.timeout).toBeGreaterThan(0);
  }, 300_000);

  it('a refused account (402) waits with a readable reason, without a loop, and goes out once paid', async () => {
    const p = await newProject(createBoth);
    amo.faults.paymentRequired(true);
    const before = amo.state.requests.length;
    const subject = `Нет оплаты ${randomId(3)}`;
    const leadId = await postLead(p, { type: 'form', contact: { email: 'pay@divan.ru' }, subject });
    const held = await settled(leadId, ['paused']);
    expect(held[0]?.reason).toMatch(/402/);
    expect(held[0]?.reason).toMatch(/pay|оплат/i);
    // Probes every 2 s, nothing else: the account is not asked again for every lead.
    await new Promise((r) => setTimeout(r, 4000));
    expect(amo.state.requests.length - before).toBeLessThan(8);
    amo.faults.paymentRequired(false);
    const ds = await settled(leadId, ['done']);
    expect(ds.find((d) => d.entity === 'deal')?.remoteId).toBe(dealsNamed(subject)[0]?.id);
    expect(dealsNamed(subject)).toHaveLength(1);
  });

  it('a blocked account (403) pauses the integration; when the block lifts every waiting lead goes out once', async () => {
    const p = await newProject(createBoth);
    amo.faults.block();
    const before = amo.state.requests.length;
    const subjects = Array.from({ length: 5 }, (_, i) => `Блокировка ${i} ${randomId(3)}`);
    const ids: string[] = [];
    for (const [i, subject] of subjects.entries())
      ids.push(await postLead(p, { type: 'form', contact: { email: `b${i}@divan.ru` }, subject }));
    for (const id of ids) {
      const ds = await settled(id, ['paused']);
      expect(ds[0]?.reason).toMatch(/^waiting: .*403/);
    }
    const view = await client.get<{ problem: Record<string, unknown> | null }>(
      `/api/v1/projects/${p.id}/integrations/amocrm`,
    );
    expect(view.body.problem).toMatchObject({ status: 403 });
    expect(String(view.body.problem?.reason)).toMatch(/blocked|403 Forbidden/);
    expect(view.body.problem?.nextProbeAt).toEqual(expect.any(String));
    // A new lead while paused waits at once, without asking the blocked account.
    const later = `Блокировка поздняя ${randomId(3)}`;
    subjects.push(later);
    ids.push(await postLead(p, { type: 'form', contact: { email: 'late@divan.ru' }, subject: later }));
    await settled(ids[ids.length - 1] as string, ['paused']);
    await new Promise((r) => setTimeout(r, 4000));
    // five leads and a few probes, not a request per lead and retry
    expect(amo.state.requests.length - before).toBeLessThan(12);

    amo.faults.unblock();
    for (const id of ids) await settled(id, ['done']);
    for (const s of subjects) expect(dealsNamed(s), s).toHaveLength(1);
    const after = await client.get<{ problem: unknown }>(`/api/v1/projects/${p.id}/integrations/amocrm`);
    expect(after.body.problem).toBeNull();
  }, 60_000);

  it('after three days of refusals the waiting deliveries fail with the reason and can be retried', async () => {
    const p = await newProject(createBoth);
    amo.faults.block();
    const subject = `Долгая блокировка ${randomId(3)}`;
    const leadId = await postLead(p, { type: 'form', contact: { email: 'long@divan.ru' }, subject });
    await settled(leadId, ['paused']);
    await server.db
      .updateTable('integrations')
      .set({ probe_until: new Date(Date.now() - 1000) })
      .where('project_id', '=', p.id)
      .execute();
    const failed = await settled(leadId, ['failed']);
    expect(failed[0]?.reason).toMatch(/3 days.*403/);
    amo.faults.unblock();
    await client.post(`/api/v1/deliveries/${failed[0]?.id}/retry`);
    await client.post(`/api/v1/deliveries/${failed[1]?.id}/retry`);
    await settled(leadId, ['done']);
    expect(dealsNamed(subject)).toHaveLength(1);
    const view = await client.get<{ problem: unknown }>(`/api/v1/projects/${p.id}/integrations/amocrm`);
    expect(view.body.problem).toBeNull();
  });
});
