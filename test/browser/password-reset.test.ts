import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { ApiClient, signUp } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

describe.skipIf(!browserAvailable)('password reset in the cabinet', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    smtp = await startSmtp();
    [server, browser] = await Promise.all([startTestServer({ SMTP_URL: smtp.url }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('from "Forgot password?" on the login page to signing in with the new password', async () => {
    const { email } = await signUp(server.url);
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await page.goto(`${server.url}/login`);
    await page.getByRole('link', { name: 'Забыли пароль?' }).click();
    await page.waitForURL('**/forgot-password');
    await page.getByLabel('E-mail').fill(email);
    await page.getByRole('button', { name: 'Прислать ссылку' }).click();
    await page.getByText('письмо со ссылкой уже в пути').waitFor();

    const { mail } = await smtp.next(email);
    const link = mail.text?.match(/\S+\/reset-password\?token=[\w-]+/)?.[0] ?? '';
    await page.goto(link);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Новый пароль');
    await page.getByLabel('Новый пароль').fill('пароль-из-письма-1');
    await page.getByRole('button', { name: 'Сменить пароль' }).click();
    await page.getByText('Пароль изменён. Войдите с новым паролем.').waitFor();
    await page.getByRole('link', { name: 'Вернуться ко входу' }).click();
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Пароль').fill('пароль-из-письма-1');
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByText('Пока нет ни одного проекта').waitFor();

    // The same link again: refused, with a way to ask for a new one.
    await page.goto(link);
    await page.getByLabel('Новый пароль').fill('ещё-один-пароль-1');
    await page.getByRole('button', { name: 'Сменить пароль' }).click();
    await page.getByText('уже использована или истекла').waitFor();
    expect(await page.getByRole('link', { name: 'Запросить новую ссылку' }).count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('asks whether to revoke API tokens on a password change', async () => {
    const { email, password, client } = await signUp(server.url);
    const token = await client.post<{ token: string }>('/api/v1/tokens', { name: 'скрипт' });
    const page = await browser.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Пароль').fill(password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByText('Пока нет ни одного проекта').waitFor();
    await page.goto(`${server.url}/settings`);
    await page.getByLabel('Текущий пароль').fill(password);
    await page.getByLabel('Новый пароль').fill('пароль-без-токенов-1');
    await page.getByLabel('Отозвать также API-токены?').check();
    await page.getByRole('button', { name: 'Изменить пароль' }).click();
    await page.getByText('Пароль изменён').waitFor();
    expect((await new ApiClient(server.url).withBearer(token.body.token).get('/api/v1/me')).status).toBe(401);
  });
});
