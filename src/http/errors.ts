import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, localise, pickLanguage } from './messages.js';
import { isValidationEntry } from './validation.js';

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly params: Record<string, string | number> = {},
    readonly details: unknown = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
  }
}

export const notFound = () => new AppError(404, 'not_found');
export const forbidden = () => new AppError(403, 'forbidden');

export interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

function send(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  params = {},
  details: unknown = null,
) {
  const body: ErrorBody = {
    error: { code, message: localise(code, pickLanguage(req.headers['accept-language']), params), details },
  };
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

/** One error shape for everything the API answers with 4xx/5xx, including Fastify's own errors. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) {
      reply.headers(err.headers);
      return send(req, reply, err.status, err.code, err.params, err.details);
    }
    if (err.validation?.every(isValidationEntry)) {
      const where = err.validationContext ?? 'body';
      const language = pickLanguage(req.headers['accept-language']);
      const details = err.validation.map((v) => ({
        path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
        message: v.messages[language],
      }));
      return send(req, reply, 400, 'validation_error', {}, details);
    }
    switch (err.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(req, reply, 400, 'invalid_json', {}, [{ message: err.message }]);
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(req, reply, 413, 'payload_too_large', { limit: req.routeOptions.bodyLimit ?? 0 });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(req, reply, 415, 'unsupported_media_type', {
          type: String(req.headers['content-type'] ?? ''),
        });
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return send(req, reply, 400, 'validation_error', {}, [{ message: err.message }]);
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return send(req, reply, err.statusCode, 'validation_error', {}, [{ message: err.message }]);
    }
    req.log.error({ err }, 'unhandled error');
    return send(req, reply, 500, 'internal');
  });
}

const BAD_PATH: Record<'ru' | 'en', string> = {
  en: 'a part of the path is not valid percent-encoded UTF-8, or is too long',
  ru: 'часть пути — не корректный UTF-8 в %-кодировке или слишком длинная',
};

/**
 * What the router refuses before any route or schema runs (a path part that is no UTF-8, or is
 * longer than maxParamLength), in the one error shape instead of Fastify's own.
 */
export function sendFrameworkError(_err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const language = pickLanguage(req.headers['accept-language']);
  return send(req, reply, 400, 'validation_error', {}, [{ path: 'params', message: BAD_PATH[language] }]);
}

export function sendRouteNotFound(req: FastifyRequest, reply: FastifyReply) {
  return send(req, reply, 404, 'route_not_found', { method: req.method, url: req.url.split('?')[0] ?? '' });
}
