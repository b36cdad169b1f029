/**
 * Direct API v5 errors as the Reports service sends them for JSON requests: HTTP 400 (or 500/502)
 * with `{"error": {request_id, error_code, error_string, error_detail}}` and the `RequestId` header.
 * `error_string` follows the v5 error list; texts follow `Accept-Language` (ru, or en otherwise).
 * Codes the docs do not pin for Reports are marked where they are used (see fakes/yandex-direct/README.md).
 */
import type { Reply } from '../common/http.js';

export type Lang = 'ru' | 'en';

export interface Words {
  en: string;
  ru: string;
}

/** `error_string` by code, from the v5 error list (and the sample texts public clients quote). */
const STRINGS: Record<number, Words> = {
  52: { en: 'Authorization server temporarily unavailable', ru: 'Сервер авторизации временно недоступен' },
  53: { en: 'Authorization error', ru: 'Ошибка авторизации' },
  54: { en: 'No rights', ru: 'Нет прав' },
  56: { en: 'Exceeded the limit of requests to the method', ru: 'Превышен лимит запросов к методу' },
  58: { en: 'Incomplete registration', ru: 'Незавершенная регистрация' },
  152: { en: 'Not enough Yandex units', ru: 'Недостаточно баллов' },
  506: {
    en: 'Exceeded limit on number of connections',
    ru: 'Превышено ограничение на количество соединений',
  },
  1000: { en: 'Server temporarily unavailable', ru: 'Сервер временно недоступен' },
  1001: { en: 'Service initialization error', ru: 'Ошибка инициализации сервиса' },
  1002: { en: 'Operation error', ru: 'Ошибка операции' },
  8000: { en: 'Invalid request', ru: 'Некорректный запрос' },
  8800: { en: 'Object not found', ru: 'Объект не найден' },
  9000: { en: 'Limit exceeded', ru: 'Превышено ограничение' },
};

/** A failure a handler returns; the server turns it into the wire shape with the request's id. */
export class DirectFailure {
  constructor(
    readonly code: number,
    readonly detail: Words,
    readonly status: 400 | 500 | 502 = 400,
  ) {}
}

export function fail(code: number, en: string, ru: string, status: 400 | 500 | 502 = 400): DirectFailure {
  return new DirectFailure(code, { en, ru }, status);
}

export function langOf(header: string | string[] | undefined): Lang {
  const v = (Array.isArray(header) ? header[0] : header)?.trim().toLowerCase() ?? '';
  return v.startsWith('ru') ? 'ru' : 'en';
}

export function errorReply(f: DirectFailure, lang: Lang, requestId: string): Reply {
  const strings = STRINGS[f.code] ?? { en: 'Error', ru: 'Ошибка' };
  return {
    status: f.status,
    headers: { 'content-type': 'application/json; charset=utf-8', RequestId: requestId },
    body: JSON.stringify({
      error: {
        request_id: requestId,
        error_code: f.code,
        error_string: strings[lang],
        error_detail: f.detail[lang],
      },
    }),
  };
}

/** An Apache-style HTML 500 page: what public clients have seen instead of JSON on server failures. */
export function htmlServerError(requestId: string): Reply {
  const body =
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN"><html><head><title>500 Internal Server Error</title>' +
    '</head><body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>';
  return { status: 500, headers: { 'content-type': 'text/html', RequestId: requestId }, body };
}
