// amoCRM delivery through faults: lost answers, refused and blocked accounts.
import { describe, expect, it } from 'vitest';
import { randomId } from '../helpers/collect.js';
import { until } from '../helpers/until.js';
import {
  amo,
  client,
  createBoth,
  dealsNamed,
  deliveries,
  newLead,
  newProject,
  server,
  settled,
  setUpDelivery,
} from './amocrm-sync-fixtures.js';

setUpDelivery();

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
      ids.push(await newLead(p, { type: 'form', contact: { email }, subject }));
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
    const leadId = await newLead(p, { type: 'form', contact: { email: 'pay@divan.ru' }, subject });
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
      ids.push(await newLead(p, { type: 'form', contact: { email: `b${i}@divan.ru` }, subject }));
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
    ids.push(await newLead(p, { type: 'form', contact: { email: 'late@divan.ru' }, subject: later }));
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
    const leadId = await newLead(p, { type: 'form', contact: { email: 'long@divan.ru' }, subject });
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
