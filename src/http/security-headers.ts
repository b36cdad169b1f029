import fastifyHelmet, { type FastifyHelmetRouteOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Headers that keep the signed-in cabinet from being framed, sniffed or leaking its URLs, on every
 * answer Fastify gives (the collector answers ahead of Fastify and sets its own). The cabinet is a
 * Vite build: its own scripts and stylesheets only, no inline code, so `'self'` is all it needs;
 * the favicon is a data: URL. HSTS only when the public URL is https: on plain http a browser
 * ignores it, and a pin sent through a test setup would outlive it.
 */
export async function installSecurityHeaders(app: FastifyInstance, publicUrl: string): Promise<void> {
  const https = new URL(publicUrl).protocol === 'https:';
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
}

/** For what customers' sites load from us (the tracker, its /alias call): any origin may embed it. */
export const embeddableBySites: FastifyHelmetRouteOptions = {
  helmet: { crossOriginResourcePolicy: { policy: 'cross-origin' } },
};
