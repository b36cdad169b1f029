/** Response builders: HAL JSON, problem+json, the nginx-style HTML pages, 204. */
import type { FieldError, Json, JsonObject } from './types.js';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const HAL = 'application/hal+json';
export const PROBLEM = 'application/problem+json';

export function hal(status: number, body: Json): Reply {
  return { status, headers: { 'content-type': HAL }, body: JSON.stringify(body) };
}

export function json(status: number, body: Json, contentType = 'application/json'): Reply {
  return { status, headers: { 'content-type': contentType }, body: JSON.stringify(body) };
}

export function noContent(): Reply {
  return { status: 204, headers: {}, body: '' };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Time-out',
};

export function reason(status: number): string {
  return REASONS[status] ?? 'Error';
}

/** `{title, type: https://httpstatus.es/<code>, status, detail}` as amoCRM v4 answers errors. */
export function problem(status: number, detail: string, extra: JsonObject = {}): Reply {
  return json(
    status,
    { ...extra, title: reason(status), type: `https://httpstatus.es/${status}`, status, detail },
    PROBLEM,
  );
}

export interface ItemErrors {
  request_id: string;
  errors: FieldError[];
}

export function validationProblem(items: ItemErrors[]): Reply {
  const list: Json = items.map((i) => ({
    request_id: i.request_id,
    errors: i.errors.map((e) => ({ code: e.code, path: e.path, detail: e.detail })),
  }));
  return problem(400, 'Request validation failed', { 'validation-errors': list });
}

/** The gateway's HTML page (429 rate limit, 403 API block, 502/503/504). */
export function nginxPage(status: number): Reply {
  const title = `${status} ${reason(status)}`;
  const body =
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
    `<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return { status, headers: { 'content-type': 'text/html' }, body };
}

/** Thrown by handlers to answer with a ready reply. */
export class ReplyError extends Error {
  constructor(readonly reply: Reply) {
    super(`fake amoCRM reply ${reply.status}`);
  }
}

export function fail(reply: Reply): never {
  throw new ReplyError(reply);
}

export function link(href: string): JsonObject {
  return { href };
}
