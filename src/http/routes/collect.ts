import type { FastifyPluginAsync } from 'fastify';
import type { DropReason, Pipeline } from '../../tracking/pipeline.js';
import { BufferFullError, type EventWriter } from '../../tracking/writer.js';
import { AppError } from '../errors.js';
import type { ErrorCode } from '../messages.js';

export const COLLECT_BODY_LIMIT = 16 * 1024;

const REFUSALS: Record<Exclude<DropReason, 'bot'>, { status: number; code: ErrorCode }> = {
  invalid: { status: 400, code: 'invalid_event' },
  unknown_site: { status: 404, code: 'unknown_site' },
  foreign_origin: { status: 403, code: 'foreign_origin' },
};

/** Invalid JSON reaches the pipeline as this marker, so it is refused like any malformed event. */
const UNPARSABLE = Symbol('unparsable');

/**
 * `POST /collect`: the tracker's endpoint. Takes text/plain JSON (no CORS preflight) from any
 * site; answers 204 only once the event is durable, 503 when the writer is saturated.
 */
export const collectRoutes =
  (deps: { pipeline: Pipeline; writer: EventWriter }): FastifyPluginAsync =>
  async (app) => {
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser(
      ['text/plain', 'application/json'],
      { parseAs: 'string', bodyLimit: COLLECT_BODY_LIMIT },
      (_req, body, done) => {
        try {
          done(null, JSON.parse(typeof body === 'string' ? body : body.toString('utf8')));
        } catch {
          done(null, UNPARSABLE);
        }
      },
    );
    // Sites on other origins post here and read the status (to retry or not): allow it, no cookies.
    app.addHook('onSend', async (req, reply) => {
      reply.header('access-control-allow-origin', req.headers.origin ?? '*');
      reply.header('vary', 'Origin');
    });
    app.options('/collect', { schema: { hide: true } }, async (_req, reply) =>
      reply
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', '86400')
        .status(204)
        .send(),
    );

    app.post('/collect', { bodyLimit: COLLECT_BODY_LIMIT, schema: { hide: true } }, async (req, reply) => {
      const result = await deps.pipeline.run({
        body: req.body,
        origin: req.headers.origin,
        userAgent: req.headers['user-agent'],
        ip: req.ip,
        receivedAt: new Date(),
      });
      if (!result.ok) {
        deps.pipeline.outcomes.inc({ outcome: result.reason });
        if (result.reason === 'bot') return reply.status(204).send(); // dropped on purpose, nothing to retry
        const refusal = REFUSALS[result.reason];
        throw new AppError(
          refusal.status,
          refusal.code,
          {},
          result.detail ? [{ message: result.detail }] : null,
        );
      }
      try {
        await deps.writer.submit(result.value.event);
      } catch (err) {
        deps.pipeline.outcomes.inc({ outcome: err instanceof BufferFullError ? 'busy' : 'failed' });
        throw new AppError(503, 'collector_busy', {}, null, { 'retry-after': '5' });
      }
      deps.pipeline.outcomes.inc({ outcome: 'stored' });
      return reply.status(204).send();
    });
  };
