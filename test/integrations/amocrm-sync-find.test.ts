// amoCRM delivery that finds and updates: mode 2, and deals merged by duplicate control.
import { describe, expect, it } from 'vitest';
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
  type Project,
  SITE,
  server,
  settled,
  setUpDelivery,
} from './amocrm-sync-fixtures.js';

setUpDelivery();

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
    const leadId = await newLead(p, { type: 'email', contact: { email }, visitorId: cid });
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
    const leadId = await newLead(p, { type: 'email', contact: { email: 'nobody@divan.ru' } });
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
    const leadId = await newLead(p, { type: 'email', contact: { email }, visitorId: cid });
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
      const first = await newLead(p, { type: 'form', contact: { email: a }, subject, visitorId: cid });
      const second = await newLead(p, { type: 'form', contact: { email: b }, subject, visitorId: cid });

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
