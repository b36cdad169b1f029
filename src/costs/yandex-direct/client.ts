/**
 * Yandex Direct cost import: daily rows by campaign, ad group and keyword from the Reports service
 * (API v5), with the offline flow (201/202 with `retryIn`, polled by repeating the request) waited out
 * within a bound, retries with backoff on server errors and limits, and errors in Direct's own words.
 * No database access: the caller stores the rows. Facts: /work/shared/ads-apis.md Part A.
 */
import { z } from 'zod';
import { CostConnectorError } from '../connector-error.js';
import { exchange, type HttpAnswer, type RetryPolicy, sleep, withRetries } from '../connector-http.js';
import { type CostRow, mergeByKey } from '../cost-row.js';
import { directErrorOf, errorFromAnswer } from './errors.js';
import { parseTsv, reportRequest, toCostRows } from './report.js';

export const DIRECT_DEFAULT_BASE_URL = 'https://api.direct.yandex.com';

export interface DirectCredentials {
  /** the OAuth token of the advertiser or of the agency's representative */
  token: string;
  /** the advertiser's login, required when `token` is an agency's */
  clientLogin?: string | null;
}

export interface DirectOptions {
  credentials: DirectCredentials;
  /** the outbound address guard's fetch */
  fetch: typeof fetch;
  /** default https://api.direct.yandex.com (the sandbox is https://api-sandbox.direct.yandex.com) */
  baseUrl?: string;
  /** language of Direct's error texts (default en) */
  language?: 'ru' | 'en';
  timeoutMs?: number;
  retry?: RetryPolicy;
}

export interface DirectWaiting {
  status: 201 | 202;
  retryInSeconds: number;
  reportsInQueue: number | null;
  waitedMs: number;
}

export interface DirectCostQuery extends DirectOptions {
  /** inclusive, `YYYY-MM-DD` */
  from: string;
  to: string;
  /** cost with VAT (`IncludeVAT: YES`) or without */
  includeVat: boolean;
  /** the account currency when known; otherwise Clients.get is asked for it */
  currency?: string;
  /** money in micros (integers, the API's default; true) or as 2-decimal amounts */
  moneyInMicros?: boolean;
  processingMode?: 'auto' | 'online' | 'offline';
  /** the longest an offline report is waited for in this call (default 15 min) */
  maxWaitMs?: number;
  /** each 201/202: for a back-fill's visible progress */
  onWaiting?: (w: DirectWaiting) => void;
}

export interface DirectAccount {
  login: string;
  clientId: number;
  currency: string;
}

/** Fallback pause when a 201/202 comes without `retryIn` (public clients use 3–10 s). */
const DEFAULT_RETRY_IN_S = 5;
const MAX_RETRY_IN_S = 60;
/** A bound on polls as well, for a server that keeps answering `retryIn: 0`. */
const MAX_POLLS = 500;

function baseOf(o: DirectOptions): string {
  return (o.baseUrl ?? DIRECT_DEFAULT_BASE_URL).replace(/\/+$/, '');
}

function authHeaders(o: DirectOptions): Record<string, string> {
  const h: Record<string, string> = {
    authorization: `Bearer ${o.credentials.token}`,
    'accept-language': o.language ?? 'en',
    'content-type': 'application/json; charset=utf-8',
  };
  const login = o.credentials.clientLogin?.trim();
  if (login) h['client-login'] = login;
  return h;
}

/** One POST, retried on what may pass; any answer but 200/201/202 becomes the error it says. */
async function post(
  o: DirectOptions,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<HttpAnswer> {
  const label = `POST ${path}`;
  return withRetries(o.retry ?? {}, async () => {
    const res = await exchange(
      o.fetch,
      `${baseOf(o)}${path}`,
      { method: 'POST', headers: { ...authHeaders(o), ...headers }, body },
      { platform: 'yandex-direct', label, ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) },
    );
    if (res.status === 200 || res.status === 201 || res.status === 202) return res;
    throw errorFromAnswer(res);
  });
}

const clientsSchema = z.object({
  result: z.object({
    Clients: z
      .array(z.object({ Login: z.string(), ClientId: z.number(), Currency: z.string() }).loose())
      .min(1),
  }),
});

/** The advertiser's login, id and currency (Clients.get); also a cheap check that the token works. */
export async function getDirectAccount(o: DirectOptions): Promise<DirectAccount> {
  const body = JSON.stringify({ method: 'get', params: { FieldNames: ['ClientId', 'Login', 'Currency'] } });
  const res = await post(o, '/json/v5/clients', body, {});
  // v5 services other than Reports may carry an error in a 200.
  if (directErrorOf(res.text)) throw errorFromAnswer(res);
  let parsed: z.infer<typeof clientsSchema>;
  try {
    parsed = clientsSchema.parse(JSON.parse(res.text));
  } catch (e) {
    throw new CostConnectorError({
      platform: 'yandex-direct',
      kind: 'bad_response',
      status: res.status,
      platformMessage: 'Clients.get answered without Login, ClientId and Currency',
      cause: e,
    });
  }
  const c = parsed.result.Clients[0]!;
  return { login: c.Login, clientId: c.ClientId, currency: c.Currency };
}

function retryInSeconds(res: HttpAnswer): number {
  const v = Number.parseInt(res.headers.get('retryIn') ?? '', 10);
  return Number.isFinite(v) && v >= 0 ? Math.min(v, MAX_RETRY_IN_S) : DEFAULT_RETRY_IN_S;
}

/**
 * Daily cost rows for `from`..`to`. Waits for an offline report by repeating the identical request
 * after each `retryIn`, for at most `maxWaitMs`; then fails with a retryable timeout.
 */
export async function fetchDirectCosts(q: DirectCostQuery): Promise<CostRow[]> {
  const micros = q.moneyInMicros ?? true;
  const currency = q.currency ?? (await getDirectAccount(q)).currency;
  const req = reportRequest(
    {
      from: q.from,
      to: q.to,
      includeVat: q.includeVat,
      moneyInMicros: micros,
      clientLogin: q.credentials.clientLogin?.trim() || null,
      runStartedAt: Date.now(),
    },
    q.processingMode ?? 'auto',
  );
  const maxWaitMs = q.maxWaitMs ?? 15 * 60_000;
  const wait = q.retry?.sleep ?? sleep;
  let waitedMs = 0;
  for (let polls = 0; ; polls++) {
    const res = await post(q, '/json/v5/reports', req.body, req.headers);
    if (res.status === 200) return mergeByKey(toCostRows(parseTsv(res.text), micros, currency));
    const seconds = retryInSeconds(res);
    const queue = Number.parseInt(res.headers.get('reportsInQueue') ?? '', 10);
    q.onWaiting?.({
      status: res.status as 201 | 202,
      retryInSeconds: seconds,
      reportsInQueue: Number.isFinite(queue) ? queue : null,
      waitedMs,
    });
    if (waitedMs + seconds * 1000 > maxWaitMs || polls >= MAX_POLLS)
      throw new CostConnectorError({
        platform: 'yandex-direct',
        kind: 'timeout',
        status: res.status,
        platformMessage: `the report "${req.reportName}" is still being built offline after ${Math.round(waitedMs / 1000)} s`,
        retryAfterMs: seconds * 1000,
      });
    await wait(seconds * 1000);
    waitedMs += seconds * 1000;
  }
}
