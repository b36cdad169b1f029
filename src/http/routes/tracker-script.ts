import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { packageRoot } from '../../package-root.js';
import { embeddableBySites } from '../security-headers.js';

export function trackerScriptPath(): string {
  return join(packageRoot(), 'dist', 'tracker', 't.js');
}

/** If-None-Match holds `*` or the tag (weak comparison, as RFC 9110 asks for this header). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

/**
 * GET /t.js: the tracker built by scripts/build-tracker.mjs, read once at registration. Short public
 * caching plus a strong ETag, so sites revalidate cheaply and pick up a new build within minutes.
 */
export const trackerScriptRoutes =
  (file: string = trackerScriptPath()): FastifyPluginAsync =>
  async (app) => {
    let body: Buffer | undefined;
    try {
      body = readFileSync(file);
    } catch {
      body = undefined;
    }
    const etag = body && `"${createHash('sha256').update(body).digest('base64url')}"`;

    app.get('/t.js', { schema: { hide: true }, ...embeddableBySites }, async (req, reply) => {
      if (!body || !etag) {
        return reply
          .status(503)
          .type('text/plain; charset=utf-8')
          .header('cache-control', 'no-store')
          .send('The tracker is not built yet: run `npm run build`.');
      }
      reply.header('cache-control', 'public, max-age=300').header('etag', etag);
      if (matches(req.headers['if-none-match'], etag)) return reply.status(304).send();
      return reply.type('application/javascript; charset=utf-8').send(body);
    });
  };
