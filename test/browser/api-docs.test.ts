import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('/api/docs', () => {
  it('answers an HTML page under the cabinet’s security policy', async () => {
    const r = await fetch(`${server.url}/api/docs`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await r.text()).toContain('<title>Leadtrail API</title>');
  });

  it('reads the same OpenAPI document as /api/v1/openapi.json', async () => {
    const [docs, api] = await Promise.all(
      ['/api/docs/json', '/api/v1/openapi.json'].map(async (path) => (await fetch(server.url + path)).json()),
    );
    expect(docs).toEqual(api);
  });
});

describe.skipIf(!browserAvailable)('/api/docs in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the API’s title and its paths, with nothing refused by the policy', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
    });

    await page.goto(`${server.url}/api/docs`);
    await page.getByRole('heading', { name: /Leadtrail API/ }).waitFor();
    await page.getByText('/api/v1/projects/{id}/leads', { exact: true }).first().waitFor();
    expect(await page.title()).toBe('Leadtrail API');
    expect(pageErrors).toEqual([]);
    expect(refused).toEqual([]);
  });
});
