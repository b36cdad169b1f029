import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { aliasForVisitor } from '../../email/aliases.js';
import { hostMatches } from '../../projects/domains.js';
import type { SiteDirectory } from '../../tracking/sites.js';
import { isBotUserAgent } from '../../tracking/user-agent.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { embeddableBySites } from '../security-headers.js';

const token = /^[A-Za-z0-9._-]+$/;

/** The page's origin: Origin (sent on every cross-origin fetch), else the Referer's. */
function pageOrigin(origin: string | undefined, referer: string | undefined): string | undefined {
  if (origin !== undefined) return origin;
  if (!referer || !URL.canParse(referer)) return undefined;
  return new URL(referer).origin;
}

/**
 * `GET /alias?site=<siteKey>&cid=<visitorId>`: the tracker asks which address to show this visitor
 * instead of the site's public e-mail (docs/collect-protocol.md). A simple CORS GET from the site's
 * own pages: the Origin must be one of the project's domains and is echoed back. 200
 * `{address, alias}`; 204 when the project has no e-mail tracking (or the caller is a bot: crawlers
 * neither take pool addresses nor index aliases).
 */
export const aliasRoutes =
  (ctx: AppContext, sites: SiteDirectory): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/alias',
      {
        ...embeddableBySites,
        schema: {
          hide: true,
          querystring: z.object({
            site: z.string().min(4).max(64).regex(token, 'must be a site key'),
            cid: z.string().min(16).max(64).regex(token, 'must be the tracker’s visitor id'),
          }),
        },
        // on every answer, errors included: per-visitor, never cached; differs by Origin
        onRequest: async (_req, reply) => {
          reply.header('cache-control', 'no-store').header('vary', 'Origin');
        },
      },
      async (req, reply) => {
        const { site: siteKey, cid } = req.query;
        const site = await sites.bySiteKey(siteKey);
        if (!site) throw new AppError(404, 'unknown_site');
        const origin = pageOrigin(req.headers.origin, req.headers.referer);
        if (origin !== undefined) {
          const host = origin !== 'null' && URL.canParse(origin) ? new URL(origin).host : '';
          if (!hostMatches(host, site.domains)) {
            throw new AppError(403, 'foreign_origin', {}, [{ message: `origin ${origin}` }]);
          }
        }
        if (req.headers.origin !== undefined) reply.header('access-control-allow-origin', req.headers.origin);
        if (isBotUserAgent(req.headers['user-agent'])) return reply.status(204).send();
        const answer = await aliasForVisitor(ctx.db, site.id, cid, {
          ip: req.ip || null,
          bindingsPerIp: ctx.config.aliasBindingsPerIp,
        });
        if (!answer) return reply.status(204).send();
        return reply.type('application/json; charset=utf-8').send(answer);
      },
    );
  };
