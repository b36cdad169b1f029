import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pingDatabase } from '../../db/connection.js';
import type { AppContext } from '../context.js';

export const healthRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['health'],
          summary: 'Liveness',
          response: { 200: z.object({ status: z.literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    const readiness = z.object({ status: z.enum(['ready', 'not_ready']), reason: z.string().optional() });
    app.get(
      '/readyz',
      {
        schema: {
          tags: ['health'],
          summary: 'Readiness: the database answers and migrations are applied',
          response: { 200: readiness, 503: readiness },
        },
      },
      async (_req, reply) => {
        try {
          await pingDatabase(ctx.db);
        } catch {
          return reply.status(503).send({ status: 'not_ready' as const, reason: 'database unavailable' });
        }
        if (!(await ctx.isMigrated())) {
          return reply.status(503).send({ status: 'not_ready' as const, reason: 'migrations pending' });
        }
        return { status: 'ready' as const };
      },
    );
  };
