import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, signUp } from './helpers/client.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/**
 * A reverse proxy on loopback that does what nginx's `$proxy_add_x_forwarded_for` does: passes
 * the request on and appends the address it came from to X-Forwarded-For.
 */
async function appendingProxy(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const to = new URL(target);
  const server: Server = createServer((req, res) => {
    const peer = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
    const before = req.headers['x-forwarded-for'];
    const upstream = request(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-for': before ? `${before}, ${peer}` : peer },
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function server(env: Record<string, string>): Promise<TestServer> {
  const s = await startTestServer(env);
  closers.push(() => s.close());
  return s;
}

/** Wrong-password sign-ins for 60 different e-mails at once, each claiming another client address. */
async function rotatingWrongLogins(url: string): Promise<number[]> {
  return Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      new ApiClient(url, { origin: null, headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } })
        .post('/api/v1/auth/login', { email: `nobody${i}@example.ru`, password: 'wrong-password-1' })
        .then((r) => r.status),
    ),
  );
}

/** The address the service recorded for a new session signed in through `url`. */
async function sessionIp(s: TestServer, url: string, forwardedFor: string): Promise<string | null> {
  const { email, password, userId } = await signUp(s.url);
  const r = await new ApiClient(url, { origin: null, headers: { 'x-forwarded-for': forwardedFor } }).post(
    '/api/v1/auth/login',
    { email, password },
  );
  expect(r.status).toBe(200);
  const row = await s.db
    .selectFrom('sessions')
    .select('ip')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  return row.ip;
}

describe('TRUST_PROXY', () => {
  it('with a hop count, a client rotating X-Forwarded-For behind the proxy still hits the per-IP limit', async () => {
    const s = await server({ TRUST_PROXY: '1' });
    const proxy = await appendingProxy(s.url);
    closers.push(proxy.close);
    // The address is the one the proxy saw, not what the client claimed.
    expect(await sessionIp(s, proxy.url, '198.51.100.7')).toBe('127.0.0.1');
    const statuses = await rotatingWrongLogins(proxy.url);
    expect(statuses.filter((x) => x === 401)).toHaveLength(50);
    expect(statuses.filter((x) => x === 429)).toHaveLength(10);
  });

  it('with an address list, believes X-Forwarded-For only from a listed proxy', async () => {
    const listed = await server({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' });
    expect(await sessionIp(listed, listed.url, '198.51.100.7, 10.1.2.3')).toBe('198.51.100.7');
    const unlisted = await server({ TRUST_PROXY: '10.0.0.0/8' });
    expect(await sessionIp(unlisted, unlisted.url, '198.51.100.7, 10.1.2.3')).toBe('127.0.0.1');
    expect(
      (await rotatingWrongLogins(unlisted.url)).filter((x) => x === 429).length,
      'the per-IP limit holds against a client that is not a listed proxy',
    ).toBe(10);
  });

  it('keeps true: every X-Forwarded-For is believed (for a proxy that overwrites the header)', async () => {
    const s = await server({ TRUST_PROXY: 'true' });
    expect(await sessionIp(s, s.url, '198.51.100.7, 10.1.2.3')).toBe('198.51.100.7');
  });
});
