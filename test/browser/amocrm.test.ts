import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAmo, startFakeAmo } from '../../fakes/amocrm/server.js';
import { browserAvailable, docScreenshot, launchChromium } from '../helpers/browser.js';
import { type ApiClient, signUp } from '../helpers/client.js';
import { createLead } from '../helpers/leads.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe.skipIf(!browserAvailable)('amoCRM page in Chromium', () => {
  let server: TestServer;
  let amo: FakeAmo;
  let browser: Browser;
  let client: ApiClient;
  let context: BrowserContext;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ ALLOW_CUSTOM_INTEGRATION_HOSTS: 'true' }),
      launchChromium(),
    ]);
    amo = await startFakeAmo({ redirectUri: `${server.url}/api/v1/integrations/amocrm/callback` });
    ({ client } = await signUp(server.url));
    // The API client's session, handed to the browser: the cabinet opens signed in.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
    const [name, value] = (client.cookie ?? '').split('=');
    await context.addCookies([{ name: name ?? '', value: value ?? '', url: server.url }]);
  });
  afterAll(async () => {
    await browser?.close();
    await amo?.close();
    await server?.close();
  });

  async function newProject(name: string): Promise<string> {
    const r = await client.post<{ id: string }>('/api/v1/projects', { name, domains: ['divan.ru'] });
    return r.body.id;
  }

  async function openPage(projectId: string): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/projects/${projectId}/amocrm`);
    await page.getByRole('heading', { level: 1, name: 'amoCRM' }).waitFor();
    return page;
  }

  /** A select as the page script sees it (the test project has no DOM types). */
  type Select = { options: ArrayLike<{ text: string }>; selectedOptions: ArrayLike<{ text: string }> };
  /** The text of a select's chosen option. */
  const chosen = (page: Page, label: string) =>
    page
      .getByLabel(label, { exact: true })
      .evaluate((s) => (s as unknown as Select).selectedOptions[0]?.text);
  const optionsOf = (page: Page, label: string) =>
    page
      .getByLabel(label, { exact: true })
      .evaluate((s) => Array.from((s as unknown as Select).options, (o) => o.text));

  // The whole first-use flow in one test (about 30 page actions and four full-page screenshots, the
  // first page load cold): 14 s alone, up to 29 s on a loaded 2-core machine, so 60 s, not the default 30.
  it('connects with a long-lived token, fills the table, saves and shows created fields as chosen', {
    timeout: 60_000,
  }, async () => {
    const projectId = await newProject('Диваны');
    // Reached from the project page.
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/projects/${projectId}`);
    await page.getByTestId('amocrm-link').waitFor();
    await page.screenshot({ path: '/tmp/project-page.png', fullPage: true });
    await page.getByTestId('amocrm-link').click();
    await page.waitForURL(`**/projects/${projectId}/amocrm`);
    expect(await page.getByTestId('amo-status').textContent()).toBe('Не подключено');
    await page.screenshot({ path: '/tmp/amocrm-connect.png', fullPage: true });

    const form = page.getByTestId('amo-token-form');
    await form.getByLabel('Аккаунт amoCRM').fill('acme');
    await form.getByText('Дополнительно').click();
    await form.getByLabel('Свой адрес сервера amoCRM').fill(amo.url);
    await form.getByLabel('Долгосрочный токен').fill(amo.issueLongLivedToken());
    await form.getByRole('button', { name: 'Подключить' }).click();
    await page.getByTestId('amo-table').waitFor();
    expect(await page.getByTestId('amo-status').textContent()).toBe('Подключено');
    expect(await page.getByTestId('amo-connection').textContent()).toContain(amo.url);

    // Defaults: every lead type is passed, the window is 3 hours, nothing is enabled.
    expect(await page.getByLabel('Окно обновления, минут').inputValue()).toBe('180');
    expect(await page.getByLabel('Сделка: Включено').isChecked()).toBe(false);
    expect(await page.getByLabel('Сделка: Кампания').isDisabled()).toBe(true);

    // Only fields that take text are offered: a select or a number field cannot be chosen.
    const sourceOptions = await optionsOf(page, 'Сделка: Источник');
    expect(sourceOptions).toEqual(
      expect.arrayContaining(['Не передавать', 'Создать новое поле', 'utm_source']),
    );
    expect(sourceOptions).not.toContain('Источник заявки');
    expect(sourceOptions).not.toContain('Количество');

    await page.getByLabel('Сделка: Включено').check();
    await page.getByLabel('Сделка: создавать при обращении «Форма»').check();
    await page.getByLabel('Сделка: Ответственный').selectOption({ label: 'Мария Смирнова' });
    await page.getByLabel('Сделка: Статус воронки').selectOption({ label: 'Переговоры' });
    await page.getByLabel('Сделка: Кампания').selectOption({ label: 'Создать новое поле' });
    await page.getByLabel('Сделка: Источник').selectOption({ label: 'utm_source' });
    await page.getByLabel('Контакт: Включено').check();
    await page.getByLabel('Контакт: Город').selectOption({ label: 'Создать новое поле' });

    // A field deleted in amoCRM after the page loaded: the server refuses, and says so in that cell.
    await page.getByLabel('Сделка: Ключевое слово').selectOption({ label: 'Комментарий' });
    const leads = amo.state.customFieldsByEntity.leads;
    const comment = leads.findIndex((f) => f.name === 'Комментарий');
    const [removed] = leads.splice(comment, 1);
    await page.getByRole('button', { name: 'Сохранить настройки' }).click();
    const cellError = page.locator('td.is-invalid').getByTestId('cell-error');
    await cellError.waitFor();
    expect(await cellError.textContent()).toContain(`no deal field ${removed?.id}`);
    expect(await page.getByLabel('Сделка: Ключевое слово').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('form-error').textContent()).toContain('Сделка · Ключевое слово');
    expect(leads.some((f) => f.name === 'Кампания (Leadtrail)')).toBe(false);
    await page.screenshot({ path: '/tmp/amocrm-422.png', fullPage: true });

    // Choose again and save.
    await page.getByLabel('Сделка: Ключевое слово').selectOption({ label: 'Не передавать' });
    await page.getByRole('button', { name: 'Сохранить настройки' }).click();
    await page.getByText('Настройки сохранены').waitFor();
    expect(await page.locator('td.is-invalid').count()).toBe(0);
    const campaign = amo.state.customFieldsByEntity.leads.find((f) => f.name === 'Кампания (Leadtrail)');
    expect(campaign).toBeDefined();
    expect(amo.state.customFieldsByEntity.contacts.some((f) => f.name === 'Город (Leadtrail)')).toBe(true);
    expect(await chosen(page, 'Сделка: Кампания')).toBe('Кампания (Leadtrail)');

    // After a reload the created field is the chosen existing field, and the rest is as saved.
    await page.reload();
    await page.getByTestId('amo-table').waitFor();
    expect(await page.getByLabel('Сделка: Кампания').inputValue()).toBe(String(campaign?.id));
    expect(await chosen(page, 'Сделка: Кампания')).toBe('Кампания (Leadtrail)');
    expect(await chosen(page, 'Контакт: Город')).toBe('Город (Leadtrail)');
    expect(await chosen(page, 'Сделка: Ответственный')).toBe('Мария Смирнова');
    expect(await chosen(page, 'Сделка: Статус воронки')).toBe('Переговоры');
    expect(await chosen(page, 'Сделка: Источник')).toBe('utm_source');
    expect(await chosen(page, 'Компания: Кампания')).toBe('Не передавать');
    expect(await page.getByLabel('Сделка: создавать при обращении «Форма»').isChecked()).toBe(true);
    expect(await page.getByLabel('Сделка: создавать при обращении «Звонок»').isChecked()).toBe(false);

    // The window is checked before anything is sent.
    await page.getByLabel('Окно обновления, минут').fill('0');
    await page.getByRole('button', { name: 'Сохранить настройки' }).click();
    await page.getByText('Окно — целое число минут от 1 до 1440').waitFor();
    await page.getByLabel('Окно обновления, минут').fill('180');
    await page.getByLabel('Окно обновления, минут').blur();
    await page.mouse.move(0, 0);
    await page.evaluate('window.scrollTo(0, 0)');

    await docScreenshot(page, 'amocrm.png');

    // English on request.
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('columnheader', { name: 'Deal' }).waitFor();
    expect(await chosen(page, 'Deal: Campaign')).toBe('Кампания (Leadtrail)');
    await page.screenshot({ path: '/tmp/amocrm-en.png', fullPage: true });
    await page.getByRole('button', { name: 'RU' }).click();
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('disconnects after a confirmation', async () => {
    const projectId = await newProject('Отключение');
    const put = await client.put(`/api/v1/projects/${projectId}/integrations/amocrm`, {
      connection: { subdomain: 'acme', baseUrl: amo.url, longLivedToken: amo.issueLongLivedToken() },
    });
    expect(put.status).toBe(200);
    const page = await openPage(projectId);
    await page.getByTestId('amo-table').waitFor();
    await page.getByRole('button', { name: 'Отключить' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Отключить' }).click();
    await page.getByTestId('amo-token-form').waitFor();
    expect(await page.getByTestId('amo-status').textContent()).toBe('Не подключено');
    const row = await server.db
      .selectFrom('integrations')
      .selectAll()
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    expect(row).toBeUndefined();

    // A token amoCRM does not take: its refusal, in words, above the form.
    const form = page.getByTestId('amo-token-form');
    await form.getByLabel('Аккаунт amoCRM').fill('acme');
    await form.getByText('Дополнительно').click();
    await form.getByLabel('Свой адрес сервера amoCRM').fill(amo.url);
    await form.getByLabel('Долгосрочный токен').fill('not-a-token');
    await form.getByRole('button', { name: 'Подключить' }).click();
    await form.getByTestId('form-error').waitFor();
    expect(await form.getByTestId('form-error').textContent()).toContain('amoCRM отклонил подключение');
    expect(await page.getByTestId('amo-status').textContent()).toBe('Не подключено');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('connects by OAuth: keys → "allow access" in amoCRM → back on the page, connected', async () => {
    const projectId = await newProject('OAuth');
    const page = await openPage(projectId);
    const form = page.getByTestId('amo-oauth-form');
    expect(await form.getByLabel('Ссылка для перенаправления').inputValue()).toBe(
      `${server.url}/api/v1/integrations/amocrm/callback`,
    );
    await form.getByLabel('Аккаунт amoCRM').fill('acme');
    await form.getByText('Дополнительно').click();
    await form.getByLabel('Свой адрес сервера amoCRM').fill(amo.url);
    await form.getByLabel('ID интеграции').fill(amo.clientId);
    await form.getByLabel('Секретный ключ').fill(amo.clientSecret);
    await form.getByRole('button', { name: 'Сохранить ключи' }).click();

    const allow = page.getByRole('link', { name: 'Разрешить доступ в amoCRM' });
    await allow.waitFor();
    expect(await page.getByTestId('amo-status').textContent()).toBe('Ждёт разрешения');
    expect(await allow.getAttribute('href')).toMatch(new RegExp(`^${amo.url}/oauth\\?client_id=`));
    await allow.click();
    await page.waitForURL(`**/projects/${projectId}/amocrm`);
    await page.getByText('amoCRM подключена').waitFor();
    await page.getByTestId('amo-table').waitFor();
    expect(await page.getByTestId('amo-connection').textContent()).toContain('OAuth');
    // The outcome is shown once: the address no longer carries it.
    expect(new URL(page.url()).search).toBe('');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('shows on the lead page where the lead went, and sends a failed delivery again', async () => {
    const project = (
      await client.post<{ id: string; apiKey: string }>('/api/v1/projects', {
        name: 'Доставка',
        domains: ['divan.ru'],
      })
    ).body;
    const put = await client.put(`/api/v1/projects/${project.id}/integrations/amocrm`, {
      connection: { subdomain: 'acme', baseUrl: amo.url, longLivedToken: amo.issueLongLivedToken() },
      entities: {
        deal: { enabled: true, create: ['form'], fields: {} },
        contact: { enabled: true, create: [], fields: {} },
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    // amoCRM refuses the first deal: the delivery fails with its reason.
    amo.faults.failNext(1, { status: 400, pathPrefix: '/api/v4/leads/complex' });
    const { id: leadId } = await createLead(server.url, project.apiKey, {
      type: 'form',
      contact: { name: 'Пётр', phone: '+7 903 111-22-33' },
      subject: 'Диван',
    });

    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/leads/${leadId}`);
    const card = page.getByTestId('lead-deliveries');
    const deal = card.getByTestId('delivery').filter({ hasText: 'Сделка' });
    const contact = card.getByTestId('delivery').filter({ hasText: 'Контакт' });
    await deal.getByText('Ошибка', { exact: true }).waitFor({ timeout: 20_000 });
    expect(await deal.textContent()).toContain('Последняя ошибка');
    // No e-mail to find the contact by: skipped, with the reason in words.
    await contact.getByText('Пропущено', { exact: true }).waitFor({ timeout: 20_000 });
    expect(await contact.textContent()).toContain('e-mail');
    await page.screenshot({ path: '/tmp/lead-deliveries-failed.png', fullPage: true });

    await page.getByRole('button', { name: 'Повторить передачу: Сделка' }).click();
    const link = deal.getByRole('link', { name: /^Сделка #\d+$/ });
    await link.waitFor({ timeout: 20_000 });
    const dealId = Number((await link.textContent())?.split('#')[1]);
    expect(amo.state.entities.leads.has(dealId)).toBe(true);
    expect(await link.getAttribute('href')).toBe(`${amo.url}/leads/detail/${dealId}`);
    expect(await deal.getByRole('button').count()).toBe(0);
    await page.screenshot({ path: '/tmp/lead-deliveries.png', fullPage: true });
    await page.close();
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('shows prominently that the account refuses requests, in its words, on both pages', async () => {
    const projectId = await newProject('Блокировка');
    const put = await client.put(`/api/v1/projects/${projectId}/integrations/amocrm`, {
      connection: { subdomain: 'acme', baseUrl: amo.url, longLivedToken: amo.issueLongLivedToken() },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const now = Date.now();
    await server.db
      .updateTable('integrations')
      .set({
        paused_at: new Date(now),
        pause_reason: 'HTTP 403: amoCRM refused access with HTML page "403 Forbidden"',
        pause_status: 403,
        next_probe_at: new Date(now + 900_000),
        probe_until: new Date(now + 3 * 86_400_000),
      })
      .where('project_id', '=', projectId)
      .execute();
    const page = await openPage(projectId);
    const banner = page.getByTestId('amo-problem');
    expect(await banner.textContent()).toContain('amoCRM не принимает заявки');
    expect(await banner.textContent()).toContain('403 Forbidden');
    expect(await banner.textContent()).toContain('Следующая проверка');
    expect(await page.getByTestId('amo-status').textContent()).toBe('Не принимает');
    await page.goto(`${server.url}/projects/${projectId}`);
    await page.getByTestId('amocrm-link').waitFor();
    expect(await page.getByTestId('amo-problem').textContent()).toContain('403 Forbidden');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('shows an OAuth refusal from the redirect', async () => {
    const projectId = await newProject('Отказ');
    const page = await context.newPage();
    await page.goto(`${server.url}/projects/${projectId}/amocrm?error=denied`);
    expect(await page.getByTestId('amo-oauth-error').textContent()).toContain('denied');
    await page.close();
  });
});
