import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadJson } from '../../src/leads/serialize.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { type ApiClient, signUp } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTestSite } from '../helpers/test-site.js';
import { until } from '../helpers/until.js';

// Headless Chromium says "HeadlessChrome", which is (rightly) a bot; a visitor's browser does not.
const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const SPB_IP = '95.55.100.1'; // GeoLite2: Санкт-Петербург, Россия

describe.skipIf(!browserAvailable)('tracking a visitor from ad to lead in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof startTestSite>>;
  let owner: ApiClient;
  let projectId: string;
  let context: BrowserContext;

  beforeAll(async () => {
    // Leadtrail behind a proxy that passes the visitor's address, as in production.
    [server, browser] = await Promise.all([startTestServer({ TRUST_PROXY: 'true' }), launchChromium()]);
    const signup = await signUp(server.url);
    owner = signup.client;
    const p = await owner.post<{ id: string; snippet: string }>('/api/v1/projects', {
      name: 'Диваны',
      domains: ['localhost'],
    });
    projectId = p.body.id;
    site = await startTestSite(p.body.snippet);
    context = await browser.newContext({ userAgent: DESKTOP_UA, locale: 'ru-RU' });
    await context.addCookies([
      { name: '_ga', value: 'GA1.1.1234567890.1234567890', url: site.origin },
      { name: '_ym_uid', value: '1700000000123456789', url: site.origin },
    ]);
    await context.route(`${server.url}/collect`, (route) =>
      route.continue({ headers: { ...route.request().headers(), 'x-forwarded-for': SPB_IP } }),
    );
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await server?.close();
  });

  async function leads(): Promise<LeadJson[]> {
    return (await owner.get<{ items: LeadJson[] }>(`/api/v1/projects/${projectId}/leads`)).body.items;
  }
  const waitForLeads = (n: number) =>
    until(
      `${n} lead(s)`,
      async () => {
        const items = await leads();
        return items.length >= n && items;
      },
      10_000,
    );

  it('attributes a native form and a fetch form to the visitor’s path, with GA and Metrica ids', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(
      `${site.origin}/?utm_source=yandex&utm_medium=cpc&utm_campaign=spring&utm_term=купить+диван`,
    );
    await page.click('#to-sofas');
    await page.waitForURL('**/sofas');
    // Later the visitor comes back from Google search.
    await page.goto(`${site.origin}/sofas/1`, { referer: 'https://www.google.com/' });
    await page.click('#to-contact');
    await page.waitForURL('**/contact');
    const cid = await page.evaluate('window.leadtrail.clientId()');
    expect(typeof cid).toBe('string');

    await page.getByLabel('Ваше имя').fill('Мария Иванова');
    await page.getByLabel('E-mail').fill('Maria@Example.ru');
    await page.getByLabel('Телефон').fill('8 912 345-67-89');
    await page.getByLabel('Комментарий').fill('Перезвоните после 18:00');
    await page.getByLabel('Пароль').fill('never-sent-1');
    await page.getByRole('button', { name: 'Отправить' }).click();
    await page.waitForURL('**/thanks');

    const [first] = await waitForLeads(1);
    expect(first).toBeDefined();
    expect(first?.contact).toEqual({
      email: 'maria@example.ru',
      phone: '+79123456789',
      name: 'Мария Иванова',
      company: null,
    });
    expect(first?.message).toBe('Перезвоните после 18:00');
    expect(first?.type).toBe('form');
    expect(first?.params).toEqual({
      sent_at: first?.occurredAt,
      source: 'google',
      medium: 'organic',
      campaign: null,
      content: null,
      term: null,
      social_network: null,
      path: 'yandex / cpc > google / organic',
      city: 'Санкт-Петербург',
      ip: SPB_IP,
      ga_client_id: '1234567890.1234567890',
      ym_client_id: '1700000000123456789',
      at_client_id: cid,
      page: `${site.origin}/contact`,
      browser: 'Chrome 156',
      country: 'Россия',
      device: 'desktop',
      mailbox: null,
    });
    const stored = JSON.stringify(await server.db.selectFrom('leads').selectAll().execute());
    expect(stored).not.toContain('never-sent-1');
    expect(stored).not.toContain('secret-csrf-value');

    // The lead page lists the visits of the path.
    const full = await owner.get<LeadJson>(`/api/v1/leads/${first?.id}`);
    expect(full.body.visits?.map((v) => [v.source, v.medium, v.campaign, v.term])).toEqual([
      ['yandex', 'cpc', 'spring', 'купить диван'],
      ['google', 'organic', null, null],
    ]);

    // (b) a form whose submit is prevented and posted by fetch, as site builders do.
    await page.goto(`${site.origin}/order`);
    await page.getByLabel('Имя').fill('Пётр');
    await page.getByLabel('Телефон').fill('+7 (903) 111-22-33');
    await page.getByPlaceholder('Ваш e-mail').fill('petr@example.ru');
    await page.getByRole('button', { name: 'Оформить заказ' }).click();
    await page.locator('#done').waitFor();
    const both = await waitForLeads(2);
    expect(both).toHaveLength(2);
    const second = both.find((l) => l.contact.phone === '+79031112233');
    expect(second?.contact).toEqual({
      email: 'petr@example.ru',
      phone: '+79031112233',
      name: 'Пётр',
      company: null,
    });
    expect(second?.params).toMatchObject({
      source: 'google',
      medium: 'organic',
      path: 'yandex / cpc > google / organic',
      ga_client_id: '1234567890.1234567890',
      ym_client_id: '1700000000123456789',
      at_client_id: cid,
      page: `${site.origin}/order`,
    });
    expect(site.orders).toHaveLength(2); // the site's own submissions still went through
    expect(errors).toEqual([]);
  });

  it('tracks a page whose own scripts throw, and does not break it', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site.origin}/broken`);
    await page.click('#count');
    await page.click('#count');
    expect(await page.textContent('#count')).toBe('2');
    const cid = String(await page.evaluate('window.leadtrail.clientId()'));
    const hits = await until(
      'the page view of /broken',
      async () =>
        Number(
          (
            await server.db
              .selectFrom('hits')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('visitor_id', '=', cid)
              .where('url', '=', `${site.origin}/broken`)
              .executeTakeFirstOrThrow()
          ).n,
        ),
      10_000,
    );
    expect(hits).toBe(1);
    // Only the site's own two errors: nothing from the tracker.
    expect(errors.every((m) => /site script failed|undefinedFunctionOfTheSite/.test(m))).toBe(true);
    expect(errors).toHaveLength(2);
  });
});
