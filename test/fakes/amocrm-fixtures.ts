import { afterAll, beforeAll, expect } from 'vitest';
import { type FakeAmo, startFakeAmo } from '../../fakes/amocrm/server.js';

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj {
  expect(typeof v === 'object' && v !== null && !Array.isArray(v)).toBe(true);
  return v as Obj;
}

export function arr(v: unknown): unknown[] {
  expect(Array.isArray(v)).toBe(true);
  return v as unknown[];
}

/** `a.b.0.c` style access into parsed JSON. */
export function at(v: unknown, path: string): unknown {
  let cur: unknown = v;
  for (const key of path.split('.')) {
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (typeof cur === 'object' && cur !== null) cur = (cur as Obj)[key];
    else return undefined;
  }
  return cur;
}

export async function call(
  amo: FakeAmo,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string | null; form?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Res> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = body;
  if (opts.signal) init.signal = opts.signal;
  const r = await fetch(`${amo.url}${path}`, init);
  const text = await r.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: r.status, headers: r.headers, text, body: parsed };
}

// Live bindings: the test file reads them once setUpFakeAmo's beforeAll has run.
/** the fake, with its rate limits out of the way */
export let amo: FakeAmo;
/** a long-lived token of the account's admin */
export let token: string;

/** Starts the file's fake amoCRM before its tests and closes it after. */
export function setUpFakeAmo(): void {
  beforeAll(async () => {
    amo = await startFakeAmo({ rateLimitPerSecond: 10_000, accountRateLimitPerSecond: 10_000 });
    token = amo.issueLongLivedToken();
  });
  afterAll(async () => {
    await amo.close();
  });
}

/** A call of the fake's API v4 with the admin's token. */
export const api = (method: string, path: string, body?: unknown) => call(amo, method, path, { body, token });
