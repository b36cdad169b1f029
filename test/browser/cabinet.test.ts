import { domainToASCII } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe.skipIf(!browserAvailable)('cabinet in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs up, creates a project and shows its install snippet', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // The cabinet runs under `default-src 'self'`: anything it loads or runs against that shows here.
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
    });

    await page.goto(`${server.url}/`);
    await page.waitForURL('**/login'); // not signed in: the cabinet sends you to sign in
    await page.getByRole('link', { name: 'Зарегистрироваться' }).click();
    await page.waitForURL('**/signup');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Регистрация');

    await page.getByLabel('E-mail').fill('Marketolog@Divan.ru');
    await page.getByLabel('Пароль').fill('диван-пароль-2026');
    await page.getByLabel('Название компании').fill('ООО «Диван»');
    await page.getByRole('button', { name: 'Создать аккаунт' }).click();

    await page.getByText('Пока нет ни одного проекта').waitFor();
    await page.getByRole('link', { name: 'Создать проект' }).first().click();
    await page.getByLabel('Название проекта').fill('Интернет-магазин');
    await page.getByLabel('Домены').fill('https://www.divan.ru/\nмагазин-диванов.рф');
    await page.getByRole('button', { name: 'Создать проект' }).click();

    const snippet = page.getByTestId('snippet');
    await snippet.waitFor();
    const project = await server.db.selectFrom('projects').selectAll().executeTakeFirstOrThrow();
    expect(project.name).toBe('Интернет-магазин');
    expect(project.domains).toEqual(['divan.ru', domainToASCII('магазин-диванов.рф')]);
    expect(await snippet.textContent()).toBe(
      `<script async src="${server.url}/t.js" data-site="${project.site_key}"></script>`,
    );
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Интернет-магазин');

    // A reload of a deep link keeps the page (the server answers SPA routes with index.html).
    await page.reload();
    await snippet.waitFor();
    expect(await snippet.textContent()).toContain(project.site_key);

    // The account was created in the language the person signed up in.
    const account = await server.db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
    expect(account.language).toBe('ru');

    // The footer links the API reference, in the page's language.
    const footer = page.getByRole('contentinfo');
    expect(await footer.getByRole('link', { name: 'Справочник API' }).getAttribute('href')).toBe('/api/docs');

    // English on request.
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('heading', { name: 'Install' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await footer.getByRole('link', { name: 'API reference' }).click();
    await page.waitForURL('**/api/docs');
    await page.getByRole('heading', { name: /Leadtrail API/ }).waitFor();
    expect(pageErrors).toEqual([]);
    expect(refused).toEqual([]);
  });
});
