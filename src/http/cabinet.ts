import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { packageRoot } from '../package-root.js';
import { sendRouteNotFound } from './errors.js';

export function cabinetDir(): string {
  return join(packageRoot(), 'web', 'dist');
}

/**
 * Serves the built SPA; any other GET that accepts HTML gets index.html so client-side routes
 * survive a reload. API paths and non-HTML requests get the JSON 404.
 */
export async function installCabinet(app: FastifyInstance): Promise<void> {
  const root = cabinetDir();
  const built = existsSync(join(root, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: false,
      maxAge: '1h',
      immutable: false,
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const wantsHtml =
      (req.method === 'GET' || req.method === 'HEAD') &&
      !path.startsWith('/api/') &&
      (req.headers.accept ?? '').includes('text/html');
    if (!wantsHtml) return sendRouteNotFound(req, reply);
    if (!built) {
      return reply
        .type('text/plain; charset=utf-8')
        .status(503)
        .send('The cabinet is not built yet: run `npm run build` (npm install does it for you).');
    }
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html');
  });
}
