import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type FakeAmo, startFakeAmo } from '../../fakes/amocrm/server.js';
import {
  AmoClient,
  type AmoClientOptions,
  AmoError,
  type AmoRateGate,
  type AmoTokenSource,
  type AmoTokens,
  refreshAccessToken,
} from '../../src/integrations/amocrm/client.js';

/** A long-lived token: nothing to renew. */
export function fixedTokens(token: string): AmoTokenSource & { renewed: string[] } {
  const renewed: string[] = [];
  return {
    renewed,
    get: async () => token,
    renew: async (failed) => {
      renewed.push(failed);
      return token;
    },
  };
}

/** OAuth tokens refreshed through the real refresh grant, the way the service will hold them. */
export class RefreshingTokens implements AmoTokenSource {
  readonly renewed: string[] = [];
  constructor(
    private readonly amo: FakeAmo,
    public current: AmoTokens,
  ) {}
  async get(): Promise<string> {
    return this.current.accessToken;
  }
  async renew(failed: string): Promise<string> {
    this.renewed.push(failed);
    this.current = await refreshAccessToken({
      fetch,
      ...oauthOf(this.amo),
      refreshToken: this.current.refreshToken,
    });
    return this.current.accessToken;
  }
}

export class CountingGate implements AmoRateGate {
  calls = 0;
  async acquire(): Promise<void> {
    this.calls += 1;
  }
}

export function oauthOf(amo: FakeAmo) {
  return {
    baseUrl: amo.url,
    clientId: amo.clientId,
    clientSecret: amo.clientSecret,
    redirectUri: amo.redirectUri,
  };
}

/** The fake's HTTP control API. */
export async function control(amo: FakeAmo, path: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(`${amo.url}/__fake/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(r.status).toBe(200);
  return (await r.json()) as Record<string, unknown>;
}

export const fault = (amo: FakeAmo, op: Record<string, unknown> | Record<string, unknown>[]) =>
  control(amo, 'faults', op);

/** The error a promise rejects with, asserted to be an AmoError. */
export async function amoError(p: Promise<unknown>): Promise<AmoError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AmoError);
    return e as AmoError;
  }
  throw new Error('expected an AmoError, the call succeeded');
}

export function requestsSince(amo: FakeAmo, mark: number, method?: string, path?: string) {
  return amo.state.requestLog
    .slice(mark)
    .filter((r) => (method === undefined || r.method === method) && (path === undefined || r.path === path));
}

// Live bindings: the test file reads them once setUpAmoClient's beforeAll has run.
/** the fake, with its rate limits out of the way */
export let amo: FakeAmo;
/** a long-lived token of the account's admin */
export let token: string;
/** the gate of `client`, counting its calls */
export let gate: CountingGate;
/** a client with the long-lived token and `gate` */
export let client: AmoClient;

/** A client of the file's fake with the long-lived token and these options. */
export const clientWith = (o: Partial<AmoClientOptions> = {}) =>
  new AmoClient({ fetch, baseUrl: amo.url, tokens: fixedTokens(token), ...o });

/** Starts the file's fake amoCRM and `client`; the fake's faults are reset after every test. */
export function setUpAmoClient(): void {
  beforeAll(async () => {
    amo = await startFakeAmo({ rateLimitPerSecond: 100_000, accountRateLimitPerSecond: 100_000 });
    token = amo.issueLongLivedToken();
    gate = new CountingGate();
    client = clientWith({ gate });
  });
  afterEach(async () => {
    await fault(amo, { op: 'reset' });
  });
  afterAll(async () => {
    await amo.close();
  });
}
