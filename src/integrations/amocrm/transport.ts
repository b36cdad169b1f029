/** HTTP under the client: timeouts, the single 401 renew, status mapping, JSON and zod checks. */
import type { z } from 'zod';
import { AmoError, errorFromAnswer, errorFromFailure, type HttpAnswer } from './errors.js';

export interface AmoTokenSource {
  /** current access token */
  get(): Promise<string>;
  /** called after a 401 with the token that failed; returns a token to retry with (may refresh) or throws */
  renew(failed: string): Promise<string>;
}

/** Called before EVERY HTTP request (rate limiting lives outside the client). */
export interface AmoRateGate {
  acquire(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
const USER_AGENT = 'Leadtrail-amoCRM-client/1';

export type Method = 'GET' | 'POST' | 'PATCH';
export type Query = Record<string, string | number | undefined>;

export interface RawRequest {
  method: Method;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Redirects followed at most; amoCRM itself answers without any. */
const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * amoCRM's own zones: a host may move between subdomains of one of them, and old amocrm.com
 * accounts now live under kommo.com (the same platform renamed).
 */
const ZONES: ReadonlyArray<readonly string[]> = [['amocrm.ru'], ['amocrm.com', 'kommo.com']];

function zoneOf(host: string): number {
  return ZONES.findIndex((z) => z.some((d) => host === d || host.endsWith(`.${d}`)));
}

/**
 * Whether the bearer token may follow a redirect from `from` to `to`: the same host, or hosts of the
 * same amoCRM zone, never a downgrade to plain HTTP.
 */
export function mayFollow(from: URL, to: URL): boolean {
  if (from.protocol === 'https:' && to.protocol !== 'https:') return false;
  if (to.protocol !== 'https:' && to.protocol !== 'http:') return false;
  if (from.host === to.host) return true;
  const zone = zoneOf(from.hostname.toLowerCase());
  return zone >= 0 && zone === zoneOf(to.hostname.toLowerCase()) && to.protocol === 'https:';
}

/**
 * One HTTP exchange; throws AmoError timeout/network when there is no answer. Redirects are
 * followed by hand (fetch is told not to) so that the token only ever goes to amoCRM's own hosts.
 */
export async function exchange(
  fetchFn: typeof fetch,
  req: RawRequest,
  timeoutMs: number,
  label: string,
): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  let url = new URL(req.url);
  for (let hop = 0; ; hop++) {
    const init: RequestInit = {
      method: req.method,
      headers: { 'user-agent': USER_AGENT, ...req.headers },
      signal,
      redirect: 'manual',
    };
    if (req.body !== undefined) init.body = req.body;
    let res: Response;
    let text: string;
    try {
      res = await fetchFn(url.toString(), init);
      // The body is read under the same signal: a server that stalls mid-body times out too.
      text = await res.text();
    } catch (e) {
      throw errorFromFailure(e, label, signal.aborted, req.method !== 'GET');
    }
    const location = res.headers.get('location');
    if (!REDIRECTS.has(res.status) || location === null)
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', text };
    const to = URL.canParse(location, url.toString()) ? new URL(location, url) : null;
    const where = to ? `${to.protocol}//${to.host}` : JSON.stringify(location.slice(0, 100));
    if (!to || !mayFollow(url, to))
      throw redirectError(
        res.status,
        label,
        `amoCRM redirected to ${where}, outside the account's domain: not followed`,
      );
    // 303 asks for a GET of another resource: a write was not done and must not be guessed at.
    if (res.status === 303 && req.method !== 'GET')
      throw redirectError(res.status, label, `amoCRM answered the write with 303 to ${where}: not followed`);
    if (hop >= MAX_REDIRECTS)
      throw redirectError(
        res.status,
        label,
        `amoCRM redirected more than ${MAX_REDIRECTS} times (last to ${where})`,
      );
    url = to;
  }
}

function redirectError(status: number, request: string, detail: string): AmoError {
  return new AmoError({ kind: 'bad_response', status, request, detail });
}

/** JSON of a 2xx answer; undefined for 204 / an empty body. */
export function jsonOf(res: HttpAnswer, label: string): unknown {
  if (res.status === 204 || res.text.trim() === '') return undefined;
  try {
    return JSON.parse(res.text) as unknown;
  } catch (e) {
    throw new AmoError({
      kind: 'bad_response',
      status: res.status,
      request: label,
      detail: 'the answer is not JSON',
      cause: e,
    });
  }
}

/** Parses with zod or throws bad_response naming the offending paths. */
export function parseAnswer<T>(schema: z.ZodType<T>, data: unknown, label: string, what: string): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issues = r.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  return fail(label, `${what} has an unexpected shape: ${issues}`);
}

function fail(label: string, detail: string): never {
  throw new AmoError({ kind: 'bad_response', request: label, detail });
}

export interface HttpOptions {
  baseUrl: string;
  tokens: AmoTokenSource;
  gate?: AmoRateGate;
  timeoutMs: number;
  fetch: typeof fetch;
}

export interface Answer {
  status: number;
  /** undefined for 204 No Content */
  data: unknown;
}

/** Authenticated /api/v4 calls. The only retry is the one after a 401 with a renewed token. */
export class AmoHttp {
  private readonly baseUrl: string;

  constructor(private readonly opts: HttpOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  async call(method: Method, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<Answer> {
    const label = `${method} ${path}`;
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const send = async (token: string) => {
      await this.opts.gate?.acquire();
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const req: RawRequest = { method, url: url.toString(), headers };
      if (body !== undefined) req.body = body;
      return exchange(this.opts.fetch, req, this.opts.timeoutMs, label);
    };

    const token = await this.opts.tokens.get();
    let res = await send(token);
    if (res.status === 401) {
      let renewed: string;
      try {
        renewed = await this.opts.tokens.renew(token);
      } catch (e) {
        if (e instanceof AmoError) throw e;
        throw new AmoError({
          kind: 'auth',
          status: 401,
          request: label,
          detail: 'the access token was not accepted and renewing it failed',
          cause: e,
        });
      }
      res = await send(renewed);
      if (res.status === 401) {
        const err = errorFromAnswer(res, label);
        throw new AmoError({
          kind: 'auth',
          status: 401,
          request: label,
          detail: `${err.detail}, again after renewing it`,
        });
      }
    }
    if (res.status < 200 || res.status >= 300) throw errorFromAnswer(res, label);
    return { status: res.status, data: jsonOf(res, label) };
  }
}
