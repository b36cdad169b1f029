import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { uuidParam } from '../../accounts/fields.js';
import { findLead } from '../../db/queries/leads.js';
import type { Delivery } from '../../db/schema.js';
import { requireRole, requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { ownProject } from '../own-project.js';

const deliveryJson = z.object({
  id: z.string(),
  leadId: z.string(),
  destination: z.literal('amocrm'),
  entity: z.enum(['deal', 'contact', 'company']),
  mode: z.enum(['create', 'update']),
  state: z.enum(['pending', 'waiting', 'searching', 'paused', 'done', 'skipped', 'failed']),
  reason: z.string().nullable(),
  remoteId: z.number().nullable(),
  remoteUrl: z.string().nullable(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  updatedAt: z.string(),
});

const AMO_PATHS = { deal: 'leads', contact: 'contacts', company: 'companies' } as const;

function toJson(d: Delivery, baseUrl: string | null): z.infer<typeof deliveryJson> {
  return {
    id: d.id,
    leadId: d.lead_id,
    destination: d.destination,
    entity: d.entity,
    mode: d.mode,
    state: d.state,
    reason: d.reason,
    remoteId: d.remote_id,
    remoteUrl: d.remote_id && baseUrl ? `${baseUrl}/${AMO_PATHS[d.entity]}/detail/${d.remote_id}` : null,
    attempts: d.attempts,
    lastError: d.last_error,
    updatedAt: d.updated_at.toISOString(),
  };
}

const logJson = z.object({
  id: z.string(),
  at: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  leadId: z.string().nullable(),
  message: z.string(),
});

const MAX_BIGINT = 2n ** 63n - 1n;

export const deliveryRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const baseUrlOf = async (projectId: string) =>
      (
        await ctx.db
          .selectFrom('integrations')
          .select('base_url')
          .where('project_id', '=', projectId)
          .where('kind', '=', 'amocrm')
          .executeTakeFirst()
      )?.base_url ?? null;

    app.get(
      '/leads/:id/deliveries',
      {
        schema: {
          tags: ['integrations'],
          summary: 'Where the lead was sent: one delivery per integration and entity, with its state',
          params: uuidParam,
          response: { 200: z.object({ items: z.array(deliveryJson) }) },
        },
      },
      async (req) => {
        const who = requireUser(req);
        const lead = await findLead(ctx.db, who.account.id, req.params.id);
        if (!lead) throw notFound();
        const rows = await ctx.db
          .selectFrom('deliveries')
          .selectAll()
          .where('lead_id', '=', lead.id)
          .orderBy('created_at')
          .orderBy('entity')
          .execute();
        const base = await baseUrlOf(lead.project_id);
        return { items: rows.map((d) => toJson(d, base)) };
      },
    );

    // A retry resets the delivery and queues the lead's sync again through the outbox, so it is
    // picked up like any new event (and at once by a running worker).
    app.post(
      '/deliveries/:id/retry',
      {
        schema: {
          tags: ['integrations'],
          summary: 'Send a failed or skipped delivery again',
          params: uuidParam,
          response: { 200: deliveryJson },
        },
      },
      async (req) => {
        const who = requireRole(req, 'admin');
        const d = await ctx.db
          .selectFrom('deliveries')
          .innerJoin('projects', 'projects.id', 'deliveries.project_id')
          .selectAll('deliveries')
          .where('deliveries.id', '=', req.params.id)
          .where('projects.account_id', '=', who.account.id)
          .executeTakeFirst();
        if (!d) throw notFound();
        const updated = await ctx.db.transaction().execute(async (trx) => {
          const row = await trx
            .updateTable('deliveries')
            .set({
              state: 'pending',
              reason: null,
              last_error: null,
              attempts: 0,
              window_ends_at: (eb) => eb.fn('greatest', [eb.ref('window_ends_at'), eb.val(new Date())]),
              updated_at: new Date(),
            })
            .where('id', '=', d.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          await trx
            .insertInto('lead_events')
            .values({ project_id: d.project_id, lead_id: d.lead_id, type: 'lead.retry' })
            .execute();
          return row;
        });
        return toJson(updated, await baseUrlOf(d.project_id));
      },
    );

    app.get(
      '/projects/:id/integrations/amocrm/log',
      {
        schema: {
          tags: ['integrations'],
          summary: 'The amoCRM integration log of the project, newest first',
          params: uuidParam,
          querystring: z.object({
            // an integration_log id (bigint): anything past what the column holds is no cursor
            cursor: z
              .string()
              .refine(
                (c) => /^\d{1,19}$/.test(c) && BigInt(c) <= MAX_BIGINT,
                'must be a cursor from nextCursor',
              )
              .optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: { 200: z.object({ items: z.array(logJson), nextCursor: z.string().nullable() }) },
        },
      },
      async (req) => {
        const who = requireUser(req);
        const project = await ownProject(ctx.db, who, req.params.id);
        const { cursor, limit } = req.query;
        let q = ctx.db
          .selectFrom('integration_log')
          .selectAll()
          .where('project_id', '=', project.id)
          .where('destination', '=', 'amocrm')
          .orderBy('id', 'desc')
          .limit(limit + 1);
        if (cursor) q = q.where('id', '<', cursor);
        const rows = await q.execute();
        const page = rows.slice(0, limit);
        return {
          items: page.map((r) => ({
            id: String(r.id),
            at: r.created_at.toISOString(),
            level: r.level,
            leadId: r.lead_id,
            message: r.message,
          })),
          nextCursor: rows.length > limit ? String(page[page.length - 1]?.id) : null,
        };
      },
    );
  };
