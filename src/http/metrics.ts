import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { ErrorBody } from './errors.js';
import { type ErrorCode, localise, pickLanguage } from './messages.js';

export interface Metrics {
  registry: Registry;
  /** records a request Fastify did not route (the collector answers those itself) */
  observeHttp(method: string, route: string, status: number, seconds: number): void;
}

type MetricsAccess = Config['metrics'];

/**
 * A scrape from this machine: the peer is a loopback address (the socket's, never a forwarded
 * one) and no proxy says it forwarded the request — a reverse proxy on the same machine would
 * otherwise hand the world's requests in from 127.0.0.1.
 */
export function isLocalScrape(address: string | undefined, headers: IncomingHttpHeaders): boolean {
  if (headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined) return false;
  if (!address) return false;
  const peer = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(peer) === 4) return peer.startsWith('127.');
  return peer === '::1';
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why this request may not read the metrics, or null when it may. */
function refusal(
  access: MetricsAccess,
  address: string | undefined,
  headers: IncomingHttpHeaders,
): { status: number; code: ErrorCode } | null {
  if (access.token !== undefined) {
    const auth = headers.authorization ?? '';
    const given = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    return sameSecret(given, access.token) ? null : { status: 401, code: 'metrics_token_required' };
  }
  // A listener of its own is bound where the operator chose: reaching it is the permission.
  if (access.port !== undefined) return null;
  return isLocalScrape(address, headers) ? null : { status: 403, code: 'metrics_local_only' };
}

function refusalBody(code: ErrorCode, headers: IncomingHttpHeaders): string {
  const body: ErrorBody = {
    error: { code, message: localise(code, pickLanguage(headers['accept-language'])), details: null },
  };
  return JSON.stringify(body);
}

export function installMetrics(app: FastifyInstance, access: MetricsAccess): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'leadtrail_' });
  const duration = new Histogram({
    name: 'leadtrail_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    // The route pattern, not the raw URL, keeps label cardinality bounded.
    const route = req.routeOptions.url ?? 'unmatched';
    duration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  // With a port of its own, the main port has no /metrics at all (its 404 is the usual one).
  if (access.port === undefined) {
    app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
      const refused = refusal(access, req.socket.remoteAddress, req.headers);
      if (refused) {
        if (refused.status === 401) reply.header('www-authenticate', 'Bearer');
        return reply
          .status(refused.status)
          .type('application/json; charset=utf-8')
          .send(refusalBody(refused.code, req.headers));
      }
      reply.type(registry.contentType);
      return registry.metrics();
    });
  }
  return {
    registry,
    observeHttp: (method, route, status, seconds) =>
      duration.observe({ method, route, status: String(status) }, seconds),
  };
}

export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/** `GET /metrics` alone on METRICS_HOST:METRICS_PORT (loopback unless told otherwise). */
export async function serveMetrics(registry: Registry, access: MetricsAccess): Promise<MetricsListener> {
  const server: Server = createServer((req, res) => {
    const path = req.url?.split('?', 1)[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    const refused = refusal(access, req.socket.remoteAddress, req.headers);
    if (refused) {
      res.writeHead(refused.status, {
        'content-type': 'application/json; charset=utf-8',
        ...(refused.status === 401 && { 'www-authenticate': 'Bearer' }),
      });
      res.end(refusalBody(refused.code, req.headers));
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      () => {
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(access.port, access.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : access.port;
  const host = access.host.includes(':') ? `[${access.host}]` : access.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
