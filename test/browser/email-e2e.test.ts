import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAmo, startFakeAmo } from '../../fakes/amocrm/server.js';
import { AmoClient, readField } from '../../src/integrations/amocrm/client.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { type ApiClient, signUp } from '../helpers/client.js';
import { dovecotAvailable, startDovecot } from '../helpers/dovecot.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/until.js';

// Headless Chromium says "HeadlessChrome", which is (rightly) a bot; a visitor's browser does not.
const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

type Dovecot = Awaited<ReturnType<typeof startDovecot>>;

/**
 * The whole e-mail path with real parts: a visitor comes from an ad to a shop (its own origin) in
 * Chromium, the tracker shows them their alias, a letter to that alias lands in a real Dovecot,
 * Leadtrail reads it over IMAP and makes an `email` lead with the visit's parameters, and the
 * (fake) amoCRM gets the deal.
 */
describe.skipIf(!browserAvailable || !dovecotAvailable)('e-mail tracking end to end', () => {
  let server: TestServer;
  let browser: Browser;
  let dovecot: Dovecot;
  let amo: FakeAmo;
  let site: Server;
  let origin = '';
  let client: ApiClient;
  let projectId = '';

  beforeAll(async () => {
    [server, browser, dovecot, amo] = await Promise.all([
      startTestServer({ ALLOW_CUSTOM_INTEGRATION_HOSTS: 'true' }),
      launchChromium(),
      startDovecot({ users: [{ user: 'info@divan.ru', password: 'ящик-пароль' }] }),
      startFakeAmo(),
    ]);
    ({ client } = await signUp(server.url));
    const p = await client.post<{ id: string; snippet: string }>('/api/v1/projects', {
      name: 'Диваны',
      domains: ['localhost'],
    });
    projectId = p.body.id;
    const snippet = p.body.snippet;
    site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Диваны</title>${snippet}</head>` +
          `<body><h1>Диван «Милан»</h1><p>Вопросы: <a id="mail" href="mailto:info@divan.ru">info@divan.ru</a></p></body></html>`,
      );
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    origin = `http://localhost:${(site.address() as AddressInfo).port}`;

    const email = await client.put(`/api/v1/projects/${projectId}/email-tracking`, {
      publicAddress: 'info@divan.ru',
      aliases: { mode: 'plus' },
      mailboxes: [
        {
          host: dovecot.host,
          port: dovecot.port,
          tls: false,
          user: 'info@divan.ru',
          password: 'ящик-пароль',
          since: new Date(Date.now() - 60_000).toISOString(),
        },
      ],
    });
    expect(email.status, JSON.stringify(email.body)).toBe(200);
    const crm = await client.put(`/api/v1/projects/${projectId}/integrations/amocrm`, {
      connection: { subdomain: 'acme', baseUrl: amo.url, longLivedToken: amo.issueLongLivedToken() },
      entities: {
        deal: {
          enabled: true,
          create: ['email'],
          fields: { source: 'create', campaign: 'create', term: 'create' },
        },
        contact: { enabled: true, create: ['email'], fields: {} },
      },
    });
    expect(crm.status, JSON.stringify(crm.body)).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => site?.close(r));
    await dovecot?.stop();
    await amo?.close();
    await server?.close();
  });

  it('a letter to the alias the visitor saw becomes their email lead within 5 s, and a deal in amoCRM', async () => {
    const status = await until('mailbox connected', async () => {
      const r = await client.get<{ mailboxes: Array<{ status: string; statusMessage: string | null }> }>(
        `/api/v1/projects/${projectId}/email-tracking`,
      );
      return r.body.mailboxes[0]?.status === 'connected' && r.body.mailboxes[0];
    });
    expect(status.statusMessage).toBeNull();

    const context = await browser.newContext({ userAgent: DESKTOP_UA });
    const page = await context.newPage();
    await page.goto(
      `${origin}/?utm_source=yandex&utm_medium=cpc&utm_campaign=email_test&utm_term=%D0%B4%D0%B8%D0%B2%D0%B0%D0%BD`,
    );
    const link = page.locator('#mail');
    await expect.poll(() => link.textContent(), { timeout: 5_000 }).toMatch(/^info\+[a-z0-9]{6}@divan\.ru$/);
    const alias = (await link.textContent()) ?? '';
    expect(await link.getAttribute('href')).toBe(`mailto:${alias}`);
    const cid = String(await page.evaluate('window.leadtrail.clientId()'));
    await context.close();

    const sent = Date.now();
    await dovecot.append(
      'info@divan.ru',
      'INBOX',
      [
        'From: =?UTF-8?B?0JDQvdC90LAg0JrQu9C40LXQvdGC?= <anna.client@mail.ru>',
        `To: ${alias}`,
        'Subject: =?UTF-8?B?0JXRgdGC0Ywg0LvQuCDQtNC40LLQsNC9?=',
        `Date: ${new Date().toUTCString()}`,
        '<m1.e2e@mail.ru>'.replace(/^/, 'Message-ID: '),
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        'Здравствуйте! Есть ли диван «Милан» в сером цвете?',
        '',
      ].join('\r\n'),
    );
    type Lead = {
      id: string;
      type: string;
      visitorId: string;
      contact: { email: string; name: string };
      subject: string;
      params: Record<string, string | null>;
    };
    const lead = await until(
      'the email lead',
      async () =>
        (await client.get<{ items: Lead[] }>(`/api/v1/projects/${projectId}/leads?type=email`)).body.items[0],
      10_000,
    );
    expect(Date.now() - sent, 'ms from the letter to the lead').toBeLessThan(5_000);
    expect(lead).toMatchObject({
      type: 'email',
      visitorId: cid,
      contact: { email: 'anna.client@mail.ru', name: 'Анна Клиент' },
      subject: 'Есть ли диван',
    });
    expect(lead.params).toMatchObject({
      source: 'yandex',
      medium: 'cpc',
      campaign: 'email_test',
      term: 'диван',
      mailbox: alias,
      at_client_id: cid,
    });

    // …and amoCRM gets the deal with those parameters.
    const deal = await until('the deal', async () => {
      const ds = (
        await client.get<{ items: Array<{ entity: string; remoteId: number | null }> }>(
          `/api/v1/leads/${lead.id}/deliveries`,
        )
      ).body.items;
      return ds.find((d) => d.entity === 'deal' && d.remoteId)?.remoteId;
    });
    const token = amo.issueLongLivedToken();
    const direct = new AmoClient({
      fetch,
      baseUrl: amo.url,
      tokens: { get: async () => token, renew: async () => token },
    });
    const remote = await direct.getLead(deal);
    const source =
      amo.state.customFieldsByEntity.leads.find((f) => f.name === 'Источник (Leadtrail)')?.id ?? 0;
    expect(readField(remote as never, source).map((v) => v.value)).toEqual(['yandex']);
  }, 60_000);
});
