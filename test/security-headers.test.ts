import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from './helpers/client.js';
import { collect, randomId } from './helpers/collect.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let siteKey: string;
const site = 'https://zamok-shop.ru';

beforeAll(async () => {
  server = await startTestServer();
  const { client } = await signUp(server.url);
  const p = await client.post<{ siteKey: string }>('/api/v1/projects', {
    name: 'Замки',
    domains: ['zamok-shop.ru'],
  });
  siteKey = p.body.siteKey;
});
afterAll(() => server?.close());

/** The CSP's directives by name, e.g. {"default-src": "'self'"}. */
function csp(headers: Headers): Record<string, string> {
  const value = headers.get('content-security-policy') ?? '';
  return Object.fromEntries(
    value
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name = '', ...rest] = d.split(/\s+/);
        return [name, rest.join(' ')];
      }),
  );
}

function expectCabinetHeaders(headers: Headers): void {
  const policy = csp(headers);
  expect(policy['default-src']).toBe("'self'");
  expect(policy['frame-ancestors']).toBe("'none'");
  expect(policy['script-src']).toBe("'self'");
  expect(policy['object-src']).toBe("'none'");
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  expect(headers.get('x-frame-options')).toBe('DENY');
}

describe('security headers', () => {
  it('are on the cabinet page: it cannot be framed by another origin', async () => {
    const r = await fetch(`${server.url}/projects`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    expectCabinetHeaders(r.headers);
    // plain http: no HSTS (a browser ignores it there, and it would pin a later https setup)
    expect(r.headers.get('strict-transport-security')).toBeNull();
  });

  it('are on API answers, errors included', async () => {
    const { client } = await signUp(server.url);
    const me = await client.get('/api/v1/projects');
    expect(me.status).toBe(200);
    expectCabinetHeaders(me.headers);
    const missing = await fetch(`${server.url}/api/v1/nothing-here`);
    expect(missing.status).toBe(404);
    expectCabinetHeaders(missing.headers);
  });

  it('include HSTS when PUBLIC_URL is https', async () => {
    const https = await startTestServer({ PUBLIC_URL: 'https://leadtrail.example.ru' });
    try {
      const r = await fetch(`${https.url}/healthz`);
      expect(r.headers.get('strict-transport-security')).toBe('max-age=31536000');
      expectCabinetHeaders(r.headers);
    } finally {
      await https.close();
    }
  });

  it('leave /t.js loadable by any site', async () => {
    const r = await fetch(`${server.url}/t.js`, { headers: { 'sec-fetch-mode': 'no-cors', origin: site } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('javascript');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    // same-origin or same-site here would make browsers refuse the script on customers' sites
    expect(r.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });

  it('leave /collect and /alias usable from the site', async () => {
    const cid = randomId(18);
    const hit = await collect(server.url, { site: siteKey, cid, url: `${site}/` });
    expect(hit.status).toBe(204);
    expect(hit.headers.get('access-control-allow-origin')).toBe(site);
    const alias = await fetch(`${server.url}/alias?site=${siteKey}&cid=${cid}`, {
      headers: { origin: site },
    });
    expect(alias.status).toBe(204);
    expect(alias.headers.get('access-control-allow-origin')).toBe(site);
    expect(alias.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });
});
