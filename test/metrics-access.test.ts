import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLocalScrape } from '../src/http/metrics.js';
import { freePort, startTestServer, type TestServer } from './helpers/server.js';

const TOKEN = 'metrics-token-metrics-token-0123';

describe('isLocalScrape', () => {
  it.each([
    ['127.0.0.1', {}, true],
    ['127.0.0.53', {}, true],
    ['::1', {}, true],
    ['::ffff:127.0.0.1', {}, true],
    ['10.0.0.5', {}, false],
    ['192.168.1.20', {}, false],
    ['::ffff:203.0.113.5', {}, false],
    ['2001:db8::1', {}, false],
    [undefined, {}, false],
    // a reverse proxy on the same machine forwards the world's requests from loopback
    ['127.0.0.1', { 'x-forwarded-for': '203.0.113.5' }, false],
    ['127.0.0.1', { forwarded: 'for=203.0.113.5' }, false],
  ] as const)('%s %j → %s', (address, headers, expected) => {
    expect(isLocalScrape(address, headers)).toBe(expected);
  });
});

describe('/metrics with neither METRICS_TOKEN nor METRICS_PORT', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('answers a loopback client', async () => {
    const r = await fetch(`${server.url}/metrics`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('leadtrail_http_request_duration_seconds');
  });

  it('refuses a client on another address, and one forwarded by a local proxy', async () => {
    const app = server.service.app;
    if (!app) throw new Error('no HTTP app');
    const far = await app.inject({ url: '/metrics', remoteAddress: '203.0.113.5' });
    expect(far.statusCode).toBe(403);
    expect(far.json().error.code).toBe('metrics_local_only');
    expect(far.body).not.toContain('leadtrail_');
    const proxied = await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.5' } });
    expect(proxied.status).toBe(403);
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN: TOKEN });
  });
  afterAll(() => server?.close());

  it('needs the bearer token, even from loopback', async () => {
    const none = await fetch(`${server.url}/metrics`, { headers: { 'accept-language': 'en' } });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const body = (await none.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('metrics_token_required');
    expect(body.error.message).toContain('METRICS_TOKEN');
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('leadtrail_process_cpu_user_seconds_total');
  });

  it('lets a far client in with the token', async () => {
    const app = server.service.app;
    if (!app) throw new Error('no HTTP app');
    const r = await app.inject({
      url: '/metrics',
      remoteAddress: '203.0.113.5',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(r.statusCode).toBe(200);
  });
});

describe('/metrics with METRICS_PORT', () => {
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    server = await startTestServer({ METRICS_PORT: String(port) });
  });
  afterAll(() => server?.close());

  it('is served on its own loopback listener, not on the main port', async () => {
    expect(server.service.metricsUrl).toBe(`http://127.0.0.1:${port}`);
    const r = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await r.text()).toContain('leadtrail_http_request_duration_seconds');
    const main = await fetch(`${server.url}/metrics`);
    expect(main.status).toBe(404);
    const other = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(other.status).toBe(404);
  });
});
