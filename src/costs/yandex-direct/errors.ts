/**
 * Direct's error answers → CostConnectorError. Reports answers errors with HTTP 400/500/502 and
 * `{"error": {request_id, error_code, error_string, error_detail}}` (the documented `error_code`, not
 * the `code` one public client reads); a 500 may also come as an HTML page. The kind follows the
 * code of the v5 error list.
 */
import { z } from 'zod';
import { CostConnectorError, type CostErrorKind, summarizeBody } from '../connector-error.js';
import type { HttpAnswer } from '../connector-http.js';

const errorSchema = z.object({
  error: z
    .object({
      request_id: z.union([z.string(), z.number()]).nullish(),
      error_code: z.union([z.number(), z.string()]),
      error_string: z.string().nullish(),
      error_detail: z.string().nullish(),
    })
    .loose(),
});

export type DirectErrorBody = z.infer<typeof errorSchema>['error'];

/** The error object of an answer, whatever its HTTP status (v5 services may send it with a 200). */
export function directErrorOf(text: string): DirectErrorBody | null {
  if (!text.trimStart().startsWith('{')) return null;
  try {
    const r = errorSchema.safeParse(JSON.parse(text));
    return r.success ? r.data.error : null;
  } catch {
    return null;
  }
}

const KIND_BY_CODE: Record<number, CostErrorKind> = {
  52: 'server', // authorization server temporarily unavailable
  53: 'auth',
  54: 'forbidden',
  56: 'rate_limited', // method request limit
  58: 'forbidden', // the app's API access is not approved yet
  152: 'quota', // not enough points
  506: 'rate_limited', // too many simultaneous connections
  513: 'forbidden', // the login has no Direct account
  1000: 'server',
  1001: 'server',
  1002: 'server',
  1020: 'server',
  3000: 'forbidden',
  3001: 'forbidden',
  9000: 'rate_limited', // too many offline reports queued
};

/** Seconds public clients wait after these before trying again (Direct names no time). */
const PAUSE_MS: Record<number, number> = { 56: 10_000, 506: 10_000, 9000: 10_000 };

export function errorFromAnswer(res: HttpAnswer): CostConnectorError {
  const body = directErrorOf(res.text);
  const requestId = res.headers.get('RequestId') ?? undefined;
  if (!body) {
    const kind: CostErrorKind = res.status >= 500 ? 'server' : 'bad_response';
    return new CostConnectorError({
      platform: 'yandex-direct',
      kind,
      status: res.status,
      ...(requestId ? { requestId } : {}),
      platformMessage: `HTTP ${res.status} with ${summarizeBody(res.contentType, res.text)}`,
    });
  }
  const code = Number(body.error_code);
  const kind = KIND_BY_CODE[code] ?? (res.status >= 500 ? 'server' : 'validation');
  const words = [body.error_string, body.error_detail].filter((s): s is string => !!s && s.trim() !== '');
  const pause = PAUSE_MS[code];
  return new CostConnectorError({
    platform: 'yandex-direct',
    kind,
    status: res.status,
    code: String(body.error_code),
    requestId:
      body.request_id === null || body.request_id === undefined ? requestId : String(body.request_id),
    platformMessage: words.length > 0 ? words.join(': ') : `error ${code}`,
    ...(pause === undefined ? {} : { retryAfterMs: pause }),
  });
}
