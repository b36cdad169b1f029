import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DropReason, Pipeline } from '../tracking/pipeline.js';
import { BufferFullError, EventDataError, type EventWriter } from '../tracking/writer.js';
import { clientIp, type ProxyTrust } from './client-ip.js';
import type { Drain } from './drain.js';
import type { ErrorBody } from './errors.js';
import { type ErrorCode, localise, pickLanguage } from './messages.js';

export const COLLECT_PATH = '/collect';
export const COLLECT_BODY_LIMIT = 16 * 1024;

const REFUSALS: Record<Exclude<DropReason, 'bot'>, { status: number; code: ErrorCode }> = {
  invalid: { status: 400, code: 'invalid_event' },
  unknown_site: { status: 404, code: 'unknown_site' },
  foreign_origin: { status: 403, code: 'foreign_origin' },
};

interface Deps {
  pipeline: Pipeline;
  writer: EventWriter;
  drain: Drain;
  trustProxy: ProxyTrust | false;
  isClosing: () => boolean;
  observe: (status: number, seconds: number) => void;
}

/**
 * `POST /collect`, the tracker's endpoint, answered on the raw node:http request rather than
 * through Fastify's routing: it is the one endpoint hit on every page view of every site, and
 * Fastify's per-request machinery was a large share of its cost (bench/collect). It keeps the
 * API's contract: text/plain JSON (no CORS preflight) from any site, 204 only once the event is
 * durable, 503 when the writer is saturated or the service is stopping, errors in the one shape.
 * Returns false for every other request, which Fastify then handles.
 */
export function collectEndpoint(deps: Deps) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = req.url?.split('?', 1)[0];
    if (path !== COLLECT_PATH || (req.method !== 'POST' && req.method !== 'OPTIONS')) return false;
    const started = performance.now();
    res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
    res.setHeader('vary', 'Origin');
    const finish = (status: number) => deps.observe(status, (performance.now() - started) / 1000);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': '86400',
      });
      res.end();
      finish(204);
      return true;
    }
    void deps.drain.track(handle(req, res, deps)).then(finish, () => finish(500));
    return true;
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: Deps): Promise<number> {
  const fail = (
    status: number,
    code: ErrorCode,
    details: unknown = null,
    params: Record<string, number> = {},
  ) => {
    const body: ErrorBody = {
      error: { code, message: localise(code, pickLanguage(req.headers['accept-language']), params), details },
    };
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      ...(status === 503 && { 'retry-after': '5' }),
    });
    res.end(JSON.stringify(body));
    return status;
  };
  if (deps.isClosing()) return fail(503, 'collector_busy');
  const type = (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (type !== 'text/plain' && type !== 'application/json') {
    req.resume();
    return fail(415, 'unsupported_media_type', null, {});
  }
  const text = await readBody(req);
  if (text === null) {
    res.setHeader('connection', 'close');
    return fail(413, 'payload_too_large', null, { limit: COLLECT_BODY_LIMIT });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(400, 'invalid_event', [{ message: 'body is not JSON' }]);
  }
  const result = await deps.pipeline.run({
    body,
    origin: req.headers.origin,
    userAgent: req.headers['user-agent'],
    ip: clientIp(req, deps.trustProxy),
    receivedAt: new Date(),
  });
  if (!result.ok) {
    deps.pipeline.outcomes.inc({ outcome: result.reason });
    if (result.reason !== 'bot') {
      const refusal = REFUSALS[result.reason];
      return fail(refusal.status, refusal.code, result.detail ? [{ message: result.detail }] : null);
    }
    // A bot is dropped on purpose: nothing for the tracker to retry.
  } else {
    try {
      await deps.writer.submit(result.value.event);
    } catch (err) {
      // A value the database refuses is the event's fault: a final 400, or the tracker would
      // resend it for ever. Anything else may pass: 503, retry later.
      if (err instanceof EventDataError) {
        deps.pipeline.outcomes.inc({ outcome: 'invalid' });
        return fail(400, 'invalid_event', [{ message: 'the event holds values that cannot be stored' }]);
      }
      deps.pipeline.outcomes.inc({ outcome: err instanceof BufferFullError ? 'busy' : 'failed' });
      return fail(503, 'collector_busy');
    }
    deps.pipeline.outcomes.inc({ outcome: 'stored' });
  }
  res.writeHead(204);
  res.end();
  return 204;
}

/** The body as text, or null once it passes the limit (declared or actual). */
function readBody(req: IncomingMessage): Promise<string | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > COLLECT_BODY_LIMIT) {
    req.resume();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > COLLECT_BODY_LIMIT) {
        chunks.length = 0;
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(size > COLLECT_BODY_LIMIT ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
