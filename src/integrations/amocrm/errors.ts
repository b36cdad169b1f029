/** Typed errors of the amoCRM client and the mapping of HTTP answers / fetch failures onto them. */

import { z } from 'zod';
import { ADDRESS_REFUSED_TEXT, isAddressRefused } from '../../delivery/address-guard.js';
import type { AmoComplexResult } from './schemas.js';

export type AmoErrorKind =
  | 'auth'
  | 'payment'
  | 'forbidden'
  | 'rate_limited'
  | 'validation'
  | 'not_found'
  | 'server'
  | 'timeout'
  | 'network'
  | 'bad_response';

/** Whether repeating the same request later can succeed; the caller still decides for writes. */
const RETRYABLE: Record<AmoErrorKind, boolean> = {
  auth: false,
  payment: false,
  forbidden: false,
  rate_limited: true,
  validation: false,
  not_found: false,
  server: true,
  timeout: true,
  network: true,
  bad_response: false,
};

/** One entry of problem+json `validation-errors`, flattened. */
export interface AmoFieldError {
  /** the item's request_id as amoCRM echoed it (the client sets it to the item's index on creates) */
  requestId: string | null;
  path: string;
  code: string | null;
  message: string;
}

export interface AmoErrorInit {
  kind: AmoErrorKind;
  detail: string;
  status?: number;
  /** "POST /api/v4/leads": method and path only, never the query (it may hold e-mails or phones) */
  request?: string;
  fieldErrors?: readonly AmoFieldError[];
  cause?: unknown;
}

export class AmoError extends Error {
  override readonly name = 'AmoError';
  readonly kind: AmoErrorKind;
  readonly status?: number;
  readonly retryable: boolean;
  /** human-readable, in words; for validation errors every field path with what is wrong */
  readonly detail: string;
  readonly request?: string;
  readonly fieldErrors: readonly AmoFieldError[];
  /**
   * Chunked writes only: the results of the chunks that amoCRM had already applied before this one
   * failed (ids, or complex results), in input order. Lets the caller avoid creating them twice.
   */
  applied?: readonly number[] | readonly AmoComplexResult[];

  constructor(init: AmoErrorInit) {
    const where = init.request ? `${init.request}: ` : '';
    const status = init.status === undefined ? '' : ` ${init.status}`;
    super(`amoCRM ${where}${init.kind}${status}: ${init.detail}`, { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.retryable = RETRYABLE[init.kind];
    this.detail = init.detail;
    this.request = init.request;
    this.fieldErrors = init.fieldErrors ?? [];
  }
}

export function isAmoError(e: unknown): e is AmoError {
  return e instanceof AmoError;
}

const problemSchema = z
  .object({
    title: z.string().nullish(),
    detail: z.string().nullish(),
    hint: z.string().nullish(),
    'validation-errors': z
      .array(
        z
          .object({
            request_id: z.union([z.string(), z.number()]).nullish(),
            errors: z
              .array(
                z
                  .object({
                    code: z.string().nullish(),
                    path: z.string().nullish(),
                    detail: z.string().nullish(),
                  })
                  .loose(),
              )
              .nullish(),
          })
          .loose(),
      )
      .nullish(),
  })
  .loose();

type Problem = z.infer<typeof problemSchema>;

function parseProblem(text: string): Problem | null {
  try {
    const r = problemSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

function fieldErrorsOf(p: Problem | null): AmoFieldError[] {
  return (p?.['validation-errors'] ?? []).flatMap((item) =>
    (item.errors ?? []).map((e) => ({
      requestId: item.request_id === null || item.request_id === undefined ? null : String(item.request_id),
      path: e.path ?? '',
      code: e.code ?? null,
      message: e.detail ?? 'is invalid',
    })),
  );
}

/** `item "3": custom_fields_values.0.field_id — The value you selected is not a valid choice. (NotSupportedChoice)` */
export function describeFieldErrors(errors: readonly AmoFieldError[]): string {
  return errors
    .map((e) => {
      const item = e.requestId === null ? '' : `item "${e.requestId}": `;
      const field = e.path === '' ? 'the item' : `field ${e.path}`;
      const code = e.code ? ` (${e.code})` : '';
      return `${item}${field} — ${e.message}${code}`;
    })
    .join('; ');
}

/** The gateway's HTML pages carry only a title worth quoting ("429 Too Many Requests"). */
function summarizeBody(contentType: string, text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return 'empty body';
  if (contentType.includes('html') || trimmed.startsWith('<')) {
    const title = /<title>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim();
    return title ? `HTML page "${title}"` : 'an HTML page';
  }
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed;
}

function problemText(p: Problem | null, contentType: string, text: string): string {
  const parts = [p?.title, p?.detail, p?.hint].filter((s): s is string => typeof s === 'string' && s !== '');
  return parts.length > 0 ? parts.join(': ') : summarizeBody(contentType, text);
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** Maps a non-2xx answer of /api/v4 to an AmoError. */
export function errorFromAnswer(res: HttpAnswer, request: string): AmoError {
  const { status, contentType, text } = res;
  const problem = parseProblem(text);
  const said = problemText(problem, contentType, text);
  const base = { status, request };
  if (status === 400 || status === 422) {
    const fieldErrors = fieldErrorsOf(problem);
    const detail =
      fieldErrors.length > 0
        ? `amoCRM rejected the request: ${describeFieldErrors(fieldErrors)}`
        : `amoCRM rejected the request: ${said}`;
    return new AmoError({ ...base, kind: 'validation', detail, fieldErrors });
  }
  if (status === 401) {
    return new AmoError({ ...base, kind: 'auth', detail: `the access token was not accepted (${said})` });
  }
  if (status === 402) {
    return new AmoError({
      ...base,
      kind: 'payment',
      detail: `the amoCRM account is not paid: writes are refused (${said})`,
    });
  }
  if (status === 403) {
    const html = problem === null;
    const detail = html
      ? `amoCRM refused access with ${summarizeBody(contentType, text)}: the account's API is likely blocked for exceeding the rate limit`
      : `amoCRM refused access: ${said}`;
    return new AmoError({ ...base, kind: 'forbidden', detail });
  }
  if (status === 404 || status === 405) {
    return new AmoError({ ...base, kind: 'not_found', detail: `not found: ${said}` });
  }
  if (status === 408) {
    return new AmoError({ ...base, kind: 'timeout', detail: `amoCRM timed out the request (${said})` });
  }
  if (status === 429) {
    return new AmoError({
      ...base,
      kind: 'rate_limited',
      detail: `too many requests (${summarizeBody(contentType, text)}); amoCRM allows about 7 per second`,
    });
  }
  if (status >= 500) {
    return new AmoError({ ...base, kind: 'server', detail: `amoCRM server error: ${said}` });
  }
  if (status >= 400) {
    return new AmoError({ ...base, kind: 'validation', detail: `amoCRM rejected the request: ${said}` });
  }
  return new AmoError({ ...base, kind: 'bad_response', detail: `unexpected HTTP status ${status}` });
}

/** Maps an OAuth token endpoint failure: a refused grant means the user has to authorize again. */
export function errorFromTokenAnswer(res: HttpAnswer, request: string): AmoError {
  if (res.status === 400 || res.status === 401) {
    const said = problemText(parseProblem(res.text), res.contentType, res.text);
    return new AmoError({
      kind: 'auth',
      status: res.status,
      request,
      detail: `amoCRM refused the OAuth grant (${said}); the integration has to be authorized again`,
    });
  }
  return errorFromAnswer(res, request);
}

/** Maps what fetch threw (no HTTP answer) to timeout or network. */
export function errorFromFailure(e: unknown, request: string, timedOut: boolean, write: boolean): AmoError {
  const maybe = write ? '; the write may have been applied' : '';
  if (timedOut) {
    return new AmoError({ kind: 'timeout', request, detail: `no answer in time${maybe}`, cause: e });
  }
  if (isAddressRefused(e))
    return new AmoError({ kind: 'network', request, detail: ADDRESS_REFUSED_TEXT, cause: e });
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  const why =
    cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : 'unknown failure';
  return new AmoError({ kind: 'network', request, detail: `connection failed (${why})${maybe}`, cause: e });
}
