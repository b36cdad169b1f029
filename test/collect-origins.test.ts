import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { type RunningService, startService } from '../src/service.js';
import { type ApiClient, signUp } from './helpers/client.js';
import { collect, randomId } from './helpers/collect.js';
import { createTestDatabase, type TestDatabase } from './helpers/db.js';
import { freePort } from './helpers/server.js';
import { until } from './helpers/until.js';

/** Two API processes over one database, as `--role api` scaled out runs them. */
let database: TestDatabase;
let a: { url: string; service: RunningService };
let b: { url: string; service: RunningService };
let owner: ApiClient;
let siteKey: string;
let projectId: string;
const site = 'https://kovry-shop.ru';

async function startOn(url: string, role: 'all' | 'api') {
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: url,
    SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: join(tmpdir(), 'leadtrail-test-data'),
  });
  return { url: `http://127.0.0.1:${port}`, service: await startService(config, createLogger(config), role) };
}

beforeAll(async () => {
  database = await createTestDatabase();
  [a, b] = await Promise.all([startOn(database.url, 'all'), startOn(database.url, 'api')]);
  ({ client: owner } = await signUp(a.url));
  const p = await owner.post<{ id: string; siteKey: string }>('/api/v1/projects', {
    name: 'Ковры',
    domains: ['kovry-shop.ru'],
  });
  siteKey = p.body.siteKey;
  projectId = p.body.id;
});
afterAll(async () => {
  await Promise.all([a?.service.stop(), b?.service.stop()]);
  await database?.drop();
});

const hit = (base: string, key: string, opts: { origin?: string } = {}) =>
  collect(base, { site: key, cid: randomId(18), url: `${site}/` }, opts);

describe('CORS on /collect', () => {
  it('answers the project’s own pages with their origin', async () => {
    const r = await hit(a.url, siteKey);
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(site);
    expect(r.headers.get('vary')).toBe('Origin');
  });

  it('gives a refused origin no Access-Control-Allow-Origin', async () => {
    const r = await hit(a.url, siteKey, { origin: 'https://evil.ru' });
    expect(r.status).toBe(403);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    const unknown = await hit(a.url, 'pk_nope_nope_nope', { origin: 'https://evil.ru' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a project’s page read a refusal, so the tracker stops retrying it', async () => {
    const r = await hit(a.url, 'pk_nope_nope_nope', { origin: 'https://www.kovry-shop.ru' });
    expect(r.status).toBe(404);
    expect(r.headers.get('access-control-allow-origin')).toBe('https://www.kovry-shop.ru');
  });

  it('answers a preflight only for a project’s domain', async () => {
    const preflight = (origin: string) =>
      fetch(`${a.url}/collect`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const ours = await preflight(site);
    expect(ours.status).toBe(204);
    expect(ours.headers.get('access-control-allow-origin')).toBe(site);
    expect(ours.headers.get('access-control-allow-methods')).toBe('POST');
    const theirs = await preflight('https://evil.ru');
    expect(theirs.headers.get('access-control-allow-origin')).toBeNull();
    expect(theirs.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('names the content type it refuses', async () => {
    const r = await fetch(`${a.url}/collect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en', origin: site },
      body: 'v=1',
    });
    expect(r.status).toBe(415);
    const body = (await r.json()) as { error: { message: string } };
    expect(body.error.message).toBe(
      'Unsupported Content-Type: application/x-www-form-urlencoded. Send application/json',
    );
  });
});

describe('a rotated or deleted site key', () => {
  it('is refused at once by the process that rotated it and by another process', async () => {
    // Both processes have the key cached.
    expect((await hit(a.url, siteKey)).status).toBe(204);
    expect((await hit(b.url, siteKey)).status).toBe(204);
    const rotated = await owner.post<{ siteKey: string }>(`/api/v1/projects/${projectId}/site-key/rotate`);
    expect(rotated.status).toBe(200);
    const old = siteKey;
    siteKey = rotated.body.siteKey;
    expect((await hit(a.url, old)).status).toBe(404);
    // Another process learns of it from the database within moments, not at its cache's expiry.
    await until('process B refusing the old key', async () => (await hit(b.url, old)).status === 404, 1_000);
    // …and stays refusing once its cache entry would have expired (no stale answer after the TTL).
    await new Promise((r) => setTimeout(r, 5_200));
    expect((await hit(a.url, old)).status).toBe(404);
    expect((await hit(b.url, old)).status).toBe(404);
    expect((await hit(a.url, siteKey)).status).toBe(204);
    expect((await hit(b.url, siteKey)).status).toBe(204);
  });

  it('stops a deleted project’s key at once, and its domains in preflights', async () => {
    const p = await owner.post<{ id: string; siteKey: string }>('/api/v1/projects', {
      name: 'Шторы',
      domains: ['shtory-shop.ru'],
    });
    const key = p.body.siteKey;
    const page = (base: string) =>
      collect(base, { site: key, cid: randomId(18), url: 'https://shtory-shop.ru/' });
    expect((await page(a.url)).status).toBe(204);
    expect((await page(b.url)).status).toBe(204);
    expect((await owner.request('DELETE', `/api/v1/projects/${p.body.id}`)).status).toBe(204);
    expect((await page(a.url)).status).toBe(404);
    await until('process B refusing the deleted key', async () => (await page(b.url)).status === 404, 1_000);
    const preflight = await fetch(`${a.url}/collect`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shtory-shop.ru', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
