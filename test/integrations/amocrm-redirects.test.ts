import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAmo, startFakeAmo } from '../../fakes/amocrm/server.js';
import { AmoClient, AmoError } from '../../src/integrations/amocrm/client.js';

/**
 * amoCRM's hosts are mapped onto loopback servers by the fetch given to the client, so a redirect
 * between real-looking hosts is followed (or refused) exactly as it would be in production.
 */
let amo: FakeAmo;
let redirector: Server;
let redirectorUrl = '';
/** where the redirector sends each path */
const locations = new Map<string, string>();

beforeAll(async () => {
  amo = await startFakeAmo();
  redirector = createServer((req, res) => {
    const to = locations.get(req.url ?? '');
    res.writeHead(to ? 301 : 404, to ? { location: to } : {});
    res.end();
  });
  await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
  redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await amo?.close();
  await new Promise((r) => redirector?.close(r));
});

function mappedFetch(hosts: Record<string, string>, seen: Array<{ host: string; auth: string | null }>) {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const u = new URL(String(input));
    const headers = new Headers(init?.headers);
    seen.push({ host: u.host, auth: headers.get('authorization') });
    const target = hosts[u.host];
    if (!target) throw new TypeError('fetch failed', { cause: new Error(`ENOTFOUND ${u.host}`) });
    return fetch(new URL(`${u.pathname}${u.search}`, target), init);
  }) as typeof fetch;
}

describe('amoCRM answers with a redirect', () => {
  it('follows one within the same registrable domain, with the token', async () => {
    const token = amo.issueLongLivedToken();
    locations.set('/api/v4/account', 'https://moved.amocrm.ru/api/v4/account');
    const seen: Array<{ host: string; auth: string | null }> = [];
    const client = new AmoClient({
      baseUrl: 'https://acme.amocrm.ru',
      tokens: { get: async () => token, renew: async () => token },
      fetch: mappedFetch({ 'acme.amocrm.ru': redirectorUrl, 'moved.amocrm.ru': amo.url }, seen),
    });
    const account = await client.account();
    expect(account.id).toBe(31_415_926);
    expect(seen.map((s) => s.host)).toEqual(['acme.amocrm.ru', 'moved.amocrm.ru']);
    expect(seen[1]?.auth).toBe(`Bearer ${token}`);
  });

  it('refuses one to another domain with a readable error, and the token never goes there', async () => {
    const token = amo.issueLongLivedToken();
    locations.set('/api/v4/leads/pipelines', 'https://login.example.com/api/v4/leads/pipelines');
    const seen: Array<{ host: string; auth: string | null }> = [];
    const client = new AmoClient({
      baseUrl: 'https://acme.amocrm.ru',
      tokens: { get: async () => token, renew: async () => token },
      fetch: mappedFetch({ 'acme.amocrm.ru': redirectorUrl, 'login.example.com': amo.url }, seen),
    });
    const err = await client.pipelines().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmoError);
    expect((err as AmoError).kind).toBe('bad_response');
    expect((err as AmoError).detail).toContain('login.example.com');
    expect(seen.map((s) => s.host)).toEqual(['acme.amocrm.ru']);
  });

  it('stops after a few hops', async () => {
    const token = amo.issueLongLivedToken();
    locations.set('/api/v4/users?page=1&limit=250', 'https://acme.amocrm.ru/api/v4/users?page=1&limit=250');
    const seen: Array<{ host: string; auth: string | null }> = [];
    const client = new AmoClient({
      baseUrl: 'https://acme.amocrm.ru',
      tokens: { get: async () => token, renew: async () => token },
      fetch: mappedFetch({ 'acme.amocrm.ru': redirectorUrl }, seen),
    });
    const err = await client.users().catch((e: unknown) => e);
    expect((err as AmoError).kind).toBe('bad_response');
    expect((err as AmoError).detail).toMatch(/redirect/);
    expect(seen.length).toBeLessThanOrEqual(6);
  });
});
