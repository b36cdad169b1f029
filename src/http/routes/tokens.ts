import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiToken } from '../../accounts/api-tokens.js';
import { textField, uuidParam } from '../../accounts/fields.js';
import { createdTokenJson, tokenJson } from '../../accounts/serialize.js';
import { deleteApiToken, listApiTokens } from '../../db/queries/api-tokens.js';
import type { ApiToken } from '../../db/schema.js';
import { requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { itemsJson } from '../lists.js';

const toTokenJson = (t: ApiToken): z.infer<typeof tokenJson> => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  createdAt: t.created_at.toISOString(),
  lastUsedAt: t.last_used_at?.toISOString() ?? null,
});

export const tokenRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tokens',
      {
        schema: {
          tags: ['tokens'],
          summary: 'Your personal API tokens',
          response: { 200: itemsJson(tokenJson) },
        },
      },
      async (req) => ({ items: (await listApiTokens(ctx.db, requireUser(req).user.id)).map(toTokenJson) }),
    );

    app.post(
      '/tokens',
      {
        schema: {
          tags: ['tokens'],
          summary: 'Create a personal API token; the token is shown only in this response',
          body: z.strictObject({ name: textField(100).min(1, 'must not be empty') }),
          response: { 201: createdTokenJson },
        },
      },
      async (req, reply) => {
        const p = requireUser(req);
        const { row, token } = await createApiToken(ctx.db, p.user.id, req.body.name);
        return reply.status(201).send({ ...toTokenJson(row), token });
      },
    );

    app.delete(
      '/tokens/:id',
      { schema: { tags: ['tokens'], summary: 'Revoke a token', params: uuidParam } },
      async (req, reply) => {
        if (!(await deleteApiToken(ctx.db, requireUser(req).user.id, req.params.id))) throw notFound();
        return reply.status(204).send();
      },
    );
  };
