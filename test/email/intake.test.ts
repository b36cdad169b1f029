import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmailForLead, leadFromEmail } from '../../src/email/intake.js';
import { type ApiClient, signUp } from '../helpers/client.js';
import { CHROME_UA, collect, randomId } from '../helpers/collect.js';
import { createLead } from '../helpers/leads.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let client: ApiClient;
let project: { id: string; siteKey: string; apiKey: string };
let mailboxId: string;
const SITE = 'https://shop.ru';
let uid = 0;

beforeAll(async () => {
  server = await startTestServer({ ALLOW_CUSTOM_INTEGRATION_HOSTS: 'true' });
  ({ client } = await signUp(server.url));
  project = (
    await client.post<{ id: string; siteKey: string; apiKey: string }>('/api/v1/projects', {
      name: 'Диваны',
      domains: ['shop.ru'],
    })
  ).body;
  const put = await client.put<{ mailboxes: Array<{ id: string }> }>(
    `/api/v1/projects/${project.id}/email-tracking`,
    {
      publicAddress: 'info@shop.ru',
      aliases: { mode: 'plus' },
      mailboxes: [{ host: '127.0.0.1', port: 993, user: 'info@shop.ru', password: 'секрет' }],
    },
  );
  mailboxId = put.body.mailboxes[0]?.id ?? '';
});
afterAll(() => server?.close());

/** A visitor arriving from an ad, and the alias the tracker shows them. */
async function visitorWithAlias(utm: string): Promise<{ cid: string; alias: string }> {
  const cid = randomId(18);
  expect((await collect(server.url, { site: project.siteKey, cid, url: `${SITE}/?${utm}` })).status).toBe(
    204,
  );
  const r = await fetch(`${server.url}/alias?site=${project.siteKey}&cid=${cid}`, {
    headers: { origin: SITE, 'user-agent': CHROME_UA },
  });
  const { alias } = (await r.json()) as { alias: string };
  return { cid, alias };
}

function message(over: Partial<EmailForLead> = {}): EmailForLead {
  return {
    place: { mailboxId, folder: 'INBOX', uidValidity: 1, uid: ++uid },
    messageId: `<${randomId(8)}@mail.ru>`,
    inReplyTo: null,
    references: [],
    from: { address: `client.${randomId(4)}@mail.ru`.toLowerCase(), name: 'Мария Клиентова' },
    to: ['info@shop.ru'],
    cc: [],
    deliveredTo: [],
    subject: 'Вопрос про диван',
    text: 'Здравствуйте! Есть ли диван «Милан» в наличии?',
    date: new Date(),
    autoReason: null,
    ...over,
  };
}

interface Lead {
  id: string;
  type: string;
  visitorId: string | null;
  contact: { email: string | null; name: string | null };
  subject: string | null;
  message: string | null;
  params: Record<string, string | null>;
}
const getLead = async (id: string) => (await client.get<Lead>(`/api/v1/leads/${id}`)).body;
const leadCount = async () =>
  Number(
    (
      await server.db
        .selectFrom('leads')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('e-mail → lead', () => {
  it('makes an email lead attributed to the visitor who saw the alias, with the receiving mailbox', async () => {
    const { cid, alias } = await visitorWithAlias(
      'utm_source=yandex&utm_medium=cpc&utm_campaign=%D0%B4%D0%B8%D0%B2%D0%B0%D0%BD%D1%8B',
    );
    const msg = message({ to: [alias] });
    const r = await leadFromEmail(server.db, msg);
    expect(r.ignored).toBeNull();
    const lead = await getLead(r.leadId ?? '');
    expect(lead).toMatchObject({
      type: 'email',
      visitorId: cid,
      contact: { email: msg.from?.address, name: 'Мария Клиентова' },
      subject: 'Вопрос про диван',
      message: 'Здравствуйте! Есть ли диван «Милан» в наличии?',
    });
    expect(lead.params).toMatchObject({
      source: 'yandex',
      medium: 'cpc',
      campaign: 'диваны',
      mailbox: alias,
      at_client_id: cid,
    });

    // Read again (a restart before the reading position was saved): the same lead, no second one.
    const before = await leadCount();
    expect(await leadFromEmail(server.db, msg)).toEqual({ leadId: r.leadId, ignored: null });
    expect(await leadCount()).toBe(before);
    // The same message in another folder is the same lead too.
    const copy = await leadFromEmail(server.db, { ...msg, place: { ...msg.place, folder: 'Заявки' } });
    expect(copy.leadId).toBe(r.leadId);
    expect(await leadCount()).toBe(before);
  });

  it('matches the alias through Delivered-To when the To header shows the public address', async () => {
    const { cid, alias } = await visitorWithAlias('utm_source=vk&utm_medium=social');
    const r = await leadFromEmail(
      server.db,
      message({ to: ['info@shop.ru'], deliveredTo: [alias.toUpperCase()] }),
    );
    expect((await getLead(r.leadId ?? '')).visitorId).toBe(cid);
  });

  it('attaches a reply in the same thread to the first lead', async () => {
    const first = message();
    const r1 = await leadFromEmail(server.db, first);
    const before = await leadCount();
    const reply = message({
      from: first.from,
      subject: 'Re: Вопрос про диван',
      inReplyTo: null,
      references: ['<other@mail.ru>', first.messageId ?? ''],
    });
    const r2 = await leadFromEmail(server.db, reply);
    expect(r2.leadId).toBe(r1.leadId);
    expect(await leadCount()).toBe(before);
  });

  it('ignores auto-replies, bounces and mail sent from the tracked address itself', async () => {
    const before = await leadCount();
    expect(
      (await leadFromEmail(server.db, message({ autoReason: 'Auto-Submitted: auto-replied' }))).ignored,
    ).toBe('Auto-Submitted: auto-replied');
    expect(
      (await leadFromEmail(server.db, message({ from: { address: 'info@shop.ru', name: null } }))).ignored,
    ).toBe('sent from the tracked address itself');
    expect((await leadFromEmail(server.db, message({ from: null }))).ignored).toBe('no sender address');
    expect(await leadCount()).toBe(before);
  });

  it('without an alias, finds the visitor by a sender address seen before', async () => {
    const { cid } = await visitorWithAlias('utm_source=google&utm_medium=cpc');
    const email = `known.${randomId(4)}@mail.ru`.toLowerCase();
    await createLead(server.url, project.apiKey, { type: 'form', contact: { email }, visitorId: cid });
    const r = await leadFromEmail(
      server.db,
      message({ from: { address: email, name: null }, to: ['info@shop.ru'] }),
    );
    const lead = await getLead(r.leadId ?? '');
    expect(lead.visitorId).toBe(cid);
    expect(lead.params.source).toBe('google');
    expect(lead.params.mailbox).toBe('info@shop.ru');
  });
});
