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
  /** true when a page host is on some live project's domains (cached; see SiteDirectory) */
  isSiteHost: (host: string) => Promise<boolean>;
}

/**
 * How the Origin was judged: `matched` against the hit's own project, `refused` by it, or not yet
 * (`lookup`: the body was never read or named no project) — then any project's domain will do,
 * so a tracker on a real site can read the refusal and stop retrying, and no other page can.
 */
type OriginVerdict = 'matched' | 'refused' | 'lookup';

function echoOrigin(req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return false;
  res.setHeader('access-control-allow-origin', origin);
  return true;
}

async function allowOrigin(req: IncomingMessage, res: ServerResponse, deps: Deps, verdict: OriginVerdict) {
  if (verdict === 'refused') return false;
  if (verdict === 'matched') return echoOrigin(req, res);
  const origin = req.headers.origin;
  if (!origin || !URL.canParse(origin) || !(await deps.isSiteHost(new URL(origin).host))) return false;
  return echoOrigin(req, res);
}

/**
 * `POST /collect`, the tracker's endpoint, answered on the raw node:http request rather than
 * through Fastify's routing: it is the one endpoint hit on every page view of every site, and
 * Fastify's per-request machinery was a large share of its cost (bench/collect). It keeps the
 * API's contract: text/plain JSON (no CORS preflight) from the projects' sites — CORS answers
 * name only their origins — 204 only once the event is durable, 503 when the writer is saturated
 * or the service is stopping, errors in the one shape.
 * Returns false for every other request, which Fastify then handles.
 */
export function collectEndpoint(deps: Deps) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = req.url?.split('?', 1)[0];
    if (path !== COLLECT_PATH || (req.method !== 'POST' && req.method !== 'OPTIONS')) return false;
    const started = performance.now();
    res.setHeader('vary', 'Origin');
    const finish = (status: number) => deps.observe(status, (performance.now() - started) / 1000);
    const answer = req.method === 'OPTIONS' ? preflight(req, res, deps) : handle(req, res, deps);
    void deps.drain.track(answer).then(finish, () => finish(500));
    return true;
  };
}

/** A preflight, should a browser send one (application/json): only a project's page is let in. */
async function preflight(req: IncomingMessage, res: ServerResponse, deps: Deps): Promise<number> {
  if (await allowOrigin(req, res, deps, 'lookup')) {
    res.setHeader('access-control-allow-methods', 'POST');
    res.setHeader('access-control-allow-headers', 'content-type');
    res.setHeader('access-control-max-age', '86400');
  }
  res.writeHead(204);
  res.end();
  return 204;
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: Deps): Promise<number> {
  const fail = async (
    status: number,
    code: ErrorCode,
    details: unknown = null,
    params: Record<string, string | number> = {},
    verdict: OriginVerdict = 'lookup',
  ) => {
    await allowOrigin(req, res, deps, verdict).catch(() => false);
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
    return fail(415, 'unsupported_media_type', null, { type: type || '(none)' });
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
      const verdict = result.reason === 'foreign_origin' ? 'refused' : 'lookup';
      return fail(
        refusal.status,
        refusal.code,
        result.detail ? [{ message: result.detail }] : null,
        {},
        verdict,
      );
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
        const detail = [{ message: 'the event holds values that cannot be stored' }];
        return fail(400, 'invalid_event', detail, {}, 'matched');
      }
      deps.pipeline.outcomes.inc({ outcome: err instanceof BufferFullError ? 'busy' : 'failed' });
      return fail(503, 'collector_busy', null, {}, 'matched');
    }
    deps.pipeline.outcomes.inc({ outcome: 'stored' });
  }
  // Stored, or a bot dropped on purpose: either way the Origin is on the project's domains.
  echoOrigin(req, res);
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
