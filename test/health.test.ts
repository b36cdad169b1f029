import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './helpers/assert.js';
import { ApiClient, signUp } from './helpers/client.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('probes', () => {
  it('/healthz answers 200 {"status":"ok"} without auth', async () => {
    const r = await fetch(`${server.url}/healthz`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/json');
    expect(await r.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 {"status":"ready"} once the database is migrated', async () => {
    const r = await fetch(`${server.url}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ready' });
  });
});

describe('/metrics', () => {
  it('is Prometheus text with request durations labelled by route pattern, for a loopback scraper without auth', async () => {
    const { client } = await signUp(server.url, { accountName: 'ООО «Метрика»' });
    const p = await client.post<{ id: string }>('/api/v1/projects', {
      name: 'Сайт',
      domains: ['metrika.ru'],
    });
    expect(p.status).toBe(201);
    expect((await client.get(`/api/v1/projects/${p.body.id}`)).status).toBe(200);
    const ghost = randomUUID();
    expect((await client.get(`/api/v1/projects/${ghost}`)).status).toBe(404);
    const unknownPath = `/api/v1/unknown-${randomUUID()}`;
    expect((await client.get(unknownPath)).status).toBe(404);

    const r = await fetch(`${server.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    expect(text).toContain('# TYPE leadtrail_http_request_duration_seconds histogram');
    const line = (method: string, route: string, status: number) =>
      text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('leadtrail_http_request_duration_seconds_count{') &&
            l.includes(`method="${method}"`) &&
            l.includes(`route="${route}"`) &&
            l.includes(`status="${status}"`),
        );
    expect(line('GET', '/api/v1/projects/:id', 200)).toMatch(/ 1$/);
    expect(line('GET', '/api/v1/projects/:id', 404)).toMatch(/ 1$/);
    expect(line('POST', '/api/v1/projects', 201)).toMatch(/ 1$/);
    expect(line('POST', '/api/v1/auth/signup', 201)).toBeDefined();
    expect(text).toMatch(
      /leadtrail_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/v1\/projects\/:id",status="200"\} \d+/,
    );
    // Raw ids and unknown paths never become labels: the series count stays bounded.
    expect(text).not.toContain(p.body.id);
    expect(text).not.toContain(ghost);
    expect(text).not.toContain(unknownPath);
    // The process metrics are there under the same prefix.
    expect(text).toContain('leadtrail_process_cpu_user_seconds_total');
  });
});

describe('unknown API routes', () => {
  it.each(['GET', 'POST', 'PATCH', 'DELETE'])(
    '%s /api/v1/whatever is 404 route_not_found',
    async (method) => {
      const c = new ApiClient(server.url);
      const body = method === 'POST' || method === 'PATCH' ? { name: 'Ромашка' } : undefined;
      const err = expectError(await c.request(method, '/api/v1/whatever?x=1', body), 404, 'route_not_found');
      expect(err.error.message).toBe(`Нет такого метода API: ${method} /api/v1/whatever`);
    },
  );

  it('is JSON even for a browser asking for HTML, and English on request', async () => {
    const c = new ApiClient(server.url, {
      headers: { accept: 'text/html,application/xhtml+xml', 'accept-language': 'en-GB,en;q=0.8' },
    });
    const err = expectError(await c.get('/api/v1/whatever'), 404, 'route_not_found');
    expect(err.error.message).toBe('No such API route: GET /api/v1/whatever');
  });

  it('is the same for a signed-in user', async () => {
    const { client } = await signUp(server.url);
    expectError(await client.get('/api/v1/projects/extra/segments'), 404, 'route_not_found');
    expectError(await client.post('/api/v1/whatever', { a: 1 }), 404, 'route_not_found');
  });
});

describe('/api/v1/openapi.json', () => {
  interface OpenApi {
    openapi: string;
    info: { title: string };
    paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
  }

  it('is an OpenAPI 3 document of the API, served without auth', async () => {
    const r = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/json');
    const doc = (await r.json()) as OpenApi;
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBe('Leadtrail API');
    for (const path of [
      '/api/v1/auth/signup',
      '/api/v1/projects',
      '/api/v1/projects/{id}',
      '/api/v1/tokens',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(Object.keys(doc.paths['/api/v1/auth/signup'] ?? {})).toContain('post');
    expect(Object.keys(doc.paths['/api/v1/projects'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/v1/projects/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(doc.paths['/api/v1/tokens'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/api/v1/projects/{id}']?.get?.parameters).toContainEqual(
      expect.objectContaining({ name: 'id', in: 'path' }),
    );
    // Express-style patterns do not leak into the document; internal routes are hidden.
    expect(Object.keys(doc.paths).filter((p) => p.includes(':'))).toEqual([]);
    expect(doc.paths).not.toHaveProperty(['/metrics']);
    expect(doc.paths).not.toHaveProperty(['/api/v1/openapi.json']);
  });
});
