import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, docScreenshot, launchChromium } from '../helpers/browser.js';
import { type ApiClient, joinAccount, signUp } from '../helpers/client.js';
import { freePort, startTestServer, type TestServer } from '../helpers/server.js';

interface View {
  configured: boolean;
  publicAddress: string | null;
  aliases: { mode: string; addresses?: string[]; holdMinutes?: number };
  mailboxes: Array<{
    id: string;
    host: string;
    port: number;
    user: string;
    folders: string[];
    since: string;
  }>;
}

describe.skipIf(!browserAvailable)('e-mail tracking page in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let client: ApiClient;
  let context: BrowserContext;
  /** a loopback port nobody listens on: a mailbox there can never connect */
  let closedPort: number;
  const pageErrors: string[] = [];

  /** A browser context signed in as the API client's user. */
  async function contextFor(c: ApiClient): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
    const [name, value] = (c.cookie ?? '').split('=');
    await ctx.addCookies([{ name: name ?? '', value: value ?? '', url: server.url }]);
    return ctx;
  }

  beforeAll(async () => {
    [server, browser, closedPort] = await Promise.all([
      startTestServer({ ALLOW_CUSTOM_INTEGRATION_HOSTS: 'true' }),
      launchChromium(),
      freePort(),
    ]);
    ({ client } = await signUp(server.url));
    context = await contextFor(client);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function newProject(name: string): Promise<string> {
    const r = await client.post<{ id: string }>('/api/v1/projects', { name, domains: ['shop.ru'] });
    return r.body.id;
  }

  async function openPage(projectId: string, ctx = context): Promise<Page> {
    const page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/projects/${projectId}/email`);
    await page.getByRole('heading', { level: 1, name: 'Отслеживание e-mail' }).waitFor();
    return page;
  }

  const mailbox = (page: Page, n: number) => page.getByTestId('mailbox').nth(n);
  const save = (page: Page) => page.getByRole('button', { name: 'Сохранить', exact: true }).click();
  const view = async (projectId: string) =>
    (await client.get<View>(`/api/v1/projects/${projectId}/email-tracking`)).body;

  it('saves the address, plus-addressing and a mailbox; shows them again without the password', async () => {
    const projectId = await newProject('Магазин');
    // Reached from the project page.
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/projects/${projectId}`);
    await page.getByTestId('email-link').waitFor();
    await page.screenshot({ path: '/tmp/email-project.png', fullPage: true });
    await page.getByTestId('email-link').click();
    await page.waitForURL(`**/projects/${projectId}/email`);
    await page.getByRole('heading', { level: 1, name: 'Отслеживание e-mail' }).waitFor();
    expect(await page.getByTestId('email-status').textContent()).toBe('Не настроено');
    expect(await page.getByText('Ящиков пока нет').isVisible()).toBe(true);

    await page.getByLabel('Адрес на сайте', { exact: true }).fill('Info@Shop.ru');
    expect(await page.getByRole('radio', { name: /Плюс-адресация/ }).isChecked()).toBe(true);
    expect(await page.getByTestId('plus-example').textContent()).toBe('Info+k7f3@Shop.ru');

    await page.getByRole('button', { name: 'Добавить ящик' }).click();
    const box = mailbox(page, 0);
    expect(await box.getByTestId('mailbox-badge').textContent()).toBe('Не сохранён');
    // A new mailbox reads from now on: the start date is filled in.
    const since = await box.getByLabel('Читать письма с').inputValue();
    expect(since).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    expect(await box.getByLabel('Порт').inputValue()).toBe('993');
    // Switching TLS off moves the usual port along.
    await box.getByLabel('SSL/TLS').uncheck();
    expect(await box.getByLabel('Порт').inputValue()).toBe('143');
    await box.getByLabel('SSL/TLS').check();
    await box.getByLabel('Сервер IMAP').fill('127.0.0.1');
    await box.getByLabel('Порт').fill(String(closedPort));
    await box.getByLabel('Пользователь').fill('info@shop.ru');
    await box.getByLabel('Пароль').fill('пароль-ящика');
    await box.getByLabel('Папки').fill('INBOX, Заявки');
    await save(page);
    await page.getByText('Настройки сохранены').waitFor();
    // Saved, the mailbox shows its live status (no IMAP server there: connecting, or already an error).
    expect(['Подключается', 'Ошибка']).toContain(await box.getByTestId('mailbox-badge').textContent());

    const saved = await view(projectId);
    expect(saved).toMatchObject({
      configured: true,
      publicAddress: 'info@shop.ru',
      aliases: { mode: 'plus' },
      mailboxes: [
        { host: '127.0.0.1', port: closedPort, user: 'info@shop.ru', folders: ['INBOX', 'Заявки'] },
      ],
    });

    await page.reload();
    await page.getByTestId('mailbox').waitFor();
    expect(await page.getByTestId('email-status').textContent()).toBe('Настроено');
    expect(await page.getByLabel('Адрес на сайте', { exact: true }).inputValue()).toBe('info@shop.ru');
    expect(await page.getByRole('radio', { name: /Плюс-адресация/ }).isChecked()).toBe(true);
    expect(await box.getByLabel('Сервер IMAP').inputValue()).toBe('127.0.0.1');
    expect(await box.getByLabel('Порт').inputValue()).toBe(String(closedPort));
    expect(await box.getByLabel('SSL/TLS').isChecked()).toBe(true);
    expect(await box.getByLabel('Пользователь').inputValue()).toBe('info@shop.ru');
    expect(await box.getByLabel('Папки').inputValue()).toBe('INBOX, Заявки');
    expect(await box.getByLabel('Читать письма с').inputValue()).toBe(since);
    // The password is write-only: an empty field that says one is saved.
    expect(await box.getByLabel('Пароль').inputValue()).toBe('');
    expect(await box.getByLabel('Пароль').getAttribute('placeholder')).toBe('••• сохранён');
    expect(await page.content()).not.toContain('пароль-ящика');
    expect(await box.getByTestId('mailbox-badge').isVisible()).toBe(true);
    expect(await box.getByTestId('mailbox-status').textContent()).toContain('Последнее чтение');

    // The status is looked at again every 5 s while the mailbox is connecting.
    const id = saved.mailboxes[0]?.id ?? '';
    await server.db
      .updateTable('mailboxes')
      .set({ status: 'error', status_message: 'AUTHENTICATIONFAILED Invalid credentials (Failure)' })
      .where('id', '=', id)
      .execute();
    await box.getByText('Ошибка', { exact: true }).waitFor({ timeout: 8_000 });
    expect(await box.getByTestId('mailbox-status-message').textContent()).toBeTruthy();
    expect(pageErrors).toEqual([]);
  });

  it('saves a pool of addresses and keeps the stored mailbox password', async () => {
    const projectId = await newProject('Пул');
    const page = await openPage(projectId);
    await page.getByLabel('Адрес на сайте', { exact: true }).fill('info@shop.ru');
    await page.getByRole('button', { name: 'Добавить ящик' }).click();
    const box = mailbox(page, 0);
    await box.getByLabel('Сервер IMAP').fill('127.0.0.1');
    await box.getByLabel('Порт').fill(String(closedPort));
    await box.getByLabel('Пользователь').fill('info');
    await box.getByLabel('Пароль').fill('секрет');
    await save(page);
    await page.getByText('Настройки сохранены').waitFor();
    const sealed = () =>
      server.db
        .selectFrom('mailboxes')
        .select('password_enc')
        .where('username', '=', 'info')
        .executeTakeFirstOrThrow();
    const before = await sealed();

    await page.getByRole('radio', { name: /Пул адресов/ }).check();
    await page.getByLabel('Адреса пула').fill('a1@shop.ru\nA2@shop.ru\n');
    expect(await page.getByTestId('pool-count').textContent()).toBe('Адресов: 2');
    await page.getByLabel('Удержание, минут').fill('45');
    await save(page);
    await page.getByText('Настройки сохранены').waitFor();
    expect((await view(projectId)).aliases).toEqual({
      mode: 'pool',
      addresses: ['a1@shop.ru', 'a2@shop.ru'],
      holdMinutes: 45,
    });
    // Saved without a password, the mailbox kept its own.
    expect(await sealed()).toEqual(before);

    await page.reload();
    await page.getByTestId('mailbox').waitFor();
    expect(await page.getByRole('radio', { name: /Пул адресов/ }).isChecked()).toBe(true);
    expect(await page.getByLabel('Адреса пула').inputValue()).toBe('a1@shop.ru\na2@shop.ru');
    expect(await page.getByLabel('Удержание, минут').inputValue()).toBe('45');
    expect(await mailbox(page, 0).getByLabel('Пользователь').inputValue()).toBe('info');
    await page.screenshot({ path: '/tmp/email-pool.png', fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it("shows the server's validation errors next to their fields", async () => {
    const projectId = await newProject('Ошибки');
    const page = await openPage(projectId);

    // A bad public address and a bad pool address.
    await page.getByLabel('Адрес на сайте', { exact: true }).fill('не-адрес');
    await page.getByRole('radio', { name: /Пул адресов/ }).check();
    await page.getByLabel('Адреса пула').fill('a1@shop.ru\na2@@shop');
    await save(page);
    const publicAddress = page.getByLabel('Адрес на сайте', { exact: true });
    await page.locator('#email-public-error').waitFor();
    expect(await publicAddress.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#email-public-error').textContent()).toContain('e-mail address');
    expect(await page.locator('#email-pool-error').textContent()).toContain('a2@@shop:');
    expect(await page.getByTestId('form-error').textContent()).toContain('Адрес на сайте');

    // A new mailbox without its password: said under that mailbox's password.
    await publicAddress.fill('info@shop.ru');
    await page.getByLabel('Адреса пула').fill('a1@shop.ru\na2@shop.ru');
    await page.getByRole('button', { name: 'Добавить ящик' }).click();
    const box = mailbox(page, 0);
    await box.getByLabel('Сервер IMAP').fill('imap.example.ru');
    await box.getByLabel('Пользователь').fill('info@shop.ru');
    await save(page);
    const passwordError = box.getByTestId('field-error');
    await passwordError.waitFor();
    expect(await passwordError.textContent()).toBe('required for a new mailbox');
    expect(await box.getByLabel('Пароль').getAttribute('aria-invalid')).toBe('true');
    expect(await publicAddress.getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByTestId('form-error').textContent()).toContain('Ящик 1 · Пароль');
    expect((await view(projectId)).configured).toBe(false);
    await page.mouse.move(0, 0);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: '/tmp/email-errors.png', fullPage: true });

    // Removing the mailbox clears what was said about it; the rest saves.
    await box.getByRole('button', { name: /Удалить ящик/ }).click();
    expect(await page.getByTestId('field-error').count()).toBe(0);
    await save(page);
    await page.getByText('Настройки сохранены').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('tests a connection with the typed password or the saved one', async () => {
    const projectId = await newProject('Проверка');
    const probe = await client.post<{ ok: boolean }>(`/api/v1/projects/${projectId}/email-tracking/test`, {
      host: '127.0.0.1',
      port: closedPort,
      tls: true,
      user: 'x',
      password: 'y',
    });
    expect([probe.status, probe.body.ok], JSON.stringify(probe.body)).toEqual([200, false]);
    const page = await openPage(projectId);
    await page.getByLabel('Адрес на сайте', { exact: true }).fill('info@shop.ru');
    await page.getByRole('button', { name: 'Добавить ящик' }).click();
    const box = mailbox(page, 0);
    await box.getByLabel('Сервер IMAP').fill('127.0.0.1');
    await box.getByLabel('Порт').fill(String(closedPort));
    await box.getByLabel('Пользователь').fill('info@shop.ru');

    // A new mailbox cannot be tested without its password.
    await box.getByRole('button', { name: 'Проверить подключение' }).click();
    await box.getByText('Введите пароль, чтобы проверить новый ящик.').waitFor();

    const sent: unknown[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/email-tracking/test')) sent.push(r.postDataJSON());
    });
    await box.getByLabel('Пароль').fill('пароль-ящика');
    await box.getByRole('button', { name: 'Проверить подключение' }).click();
    const result = box.getByTestId('mailbox-test-result');
    await result.waitFor({ timeout: 20_000 });
    expect(await result.textContent()).toMatch(/^Не удалось подключиться: ./);
    expect(sent).toEqual([
      { host: '127.0.0.1', port: closedPort, tls: true, user: 'info@shop.ru', password: 'пароль-ящика' },
    ]);

    // Saved, it is tested with the stored password (by its id; the password never comes back).
    await save(page);
    await page.getByText('Настройки сохранены').waitFor();
    const id = (await view(projectId)).mailboxes[0]?.id;
    await box.getByRole('button', { name: 'Проверить подключение' }).click();
    await box.getByTestId('mailbox-test-result').waitFor({ timeout: 20_000 });
    expect(sent[1]).toEqual({
      host: '127.0.0.1',
      port: closedPort,
      tls: true,
      user: 'info@shop.ru',
      mailboxId: id,
    });
    expect(pageErrors).toEqual([]);
  });

  it('shows a viewer the settings read-only', async () => {
    const projectId = await newProject('Только чтение');
    await client.put(`/api/v1/projects/${projectId}/email-tracking`, {
      publicAddress: 'info@shop.ru',
      aliases: { mode: 'plus' },
      mailboxes: [{ host: '127.0.0.1', port: closedPort, user: 'info', password: 'секрет' }],
    });
    const { client: viewer } = await joinAccount(client, 'viewer');
    const viewerContext = await contextFor(viewer);
    const page = await openPage(projectId, viewerContext);
    await page.getByTestId('mailbox').waitFor();
    expect(await page.getByLabel('Адрес на сайте', { exact: true }).isDisabled()).toBe(true);
    expect(await mailbox(page, 0).getByLabel('Сервер IMAP').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Сохранить', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Добавить ящик' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Проверить подключение' }).count()).toBe(0);
    expect(await page.getByText('Изменять настройки может владелец').isVisible()).toBe(true);
    await viewerContext.close();
    expect(pageErrors).toEqual([]);
  });

  it('looks right: the documentation screenshot', async () => {
    const projectId = await newProject('Интернет-магазин');
    await client.put(`/api/v1/projects/${projectId}/email-tracking`, {
      publicAddress: 'info@shop.ru',
      aliases: { mode: 'plus' },
      mailboxes: [
        { host: 'imap.shop.ru', user: 'info@shop.ru', password: 'секрет', folders: ['INBOX', 'Заявки'] },
        { host: 'imap.yandex.ru', user: 'sales@shop.ru', password: 'секрет' },
      ],
    });
    const [first, second] = (await view(projectId)).mailboxes;
    await server.db
      .updateTable('mailboxes')
      .set({ status: 'connected', last_sync_at: new Date() })
      .where('id', '=', first?.id ?? '')
      .execute();
    await server.db
      .insertInto('mailbox_folders')
      .values({ mailbox_id: first?.id ?? '', folder: 'INBOX', uid_validity: 1, last_uid: 4182 })
      .execute();
    await server.db
      .updateTable('mailboxes')
      .set({ status: 'error', status_message: 'AUTHENTICATIONFAILED Invalid credentials (Failure)' })
      .where('id', '=', second?.id ?? '')
      .execute();
    const page = await openPage(projectId);
    await page.getByTestId('mailbox').first().waitFor();
    expect(await mailbox(page, 0).getByTestId('mailbox-last-uid').textContent()).toBe('4182');
    await docScreenshot(page, 'email.png');
    // The same in English, and on a phone.
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('heading', { level: 1, name: 'E-mail tracking' }).waitFor();
    await page.screenshot({ path: '/tmp/email-en.png', fullPage: true });
    await page.setViewportSize({ width: 390, height: 800 });
    await page.screenshot({ path: '/tmp/email-phone.png', fullPage: true });
    await page.getByRole('button', { name: 'RU' }).click();
    expect(pageErrors).toEqual([]);
  });
});
