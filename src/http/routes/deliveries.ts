import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { uuidParam } from '../../accounts/fields.js';
import { listLeadDeliveries } from '../../db/queries/deliveries.js';
import { listIntegrationLog } from '../../db/queries/integration-log.js';
import { integrationBaseUrl } from '../../db/queries/integrations.js';
import { findLead } from '../../db/queries/leads.js';
import type { Delivery } from '../../db/schema.js';
import { retryDelivery } from '../../delivery/retry.js';
import { deliveryJson, integrationLogJson } from '../../delivery/serialize.js';
import { requireRole, requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { itemsJson, pageJson } from '../lists.js';
import { ownProject } from '../own-project.js';

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

const MAX_BIGINT = 2n ** 63n - 1n;

export const deliveryRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const baseUrlOf = (projectId: string) => integrationBaseUrl(ctx.db, projectId, 'amocrm');

    app.get(
      '/leads/:id/deliveries',
      {
        schema: {
          tags: ['integrations'],
          summary: 'Where the lead was sent: one delivery per integration and entity, with its state',
          params: uuidParam,
          response: { 200: itemsJson(deliveryJson) },
        },
      },
      async (req) => {
        const who = requireUser(req);
        const lead = await findLead(ctx.db, who.account.id, req.params.id);
        if (!lead) throw notFound();
        const rows = await listLeadDeliveries(ctx.db, lead.id);
        const base = await baseUrlOf(lead.project_id);
        return { items: rows.map((d) => toJson(d, base)) };
      },
    );

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
        const updated = await retryDelivery(ctx.db, who.account.id, req.params.id);
        if (!updated) throw notFound();
        return toJson(updated, await baseUrlOf(updated.project_id));
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
          response: { 200: pageJson(integrationLogJson) },
        },
      },
      async (req) => {
        const who = requireUser(req);
        const project = await ownProject(ctx.db, who, req.params.id);
        const { cursor, limit } = req.query;
        const rows = await listIntegrationLog(ctx.db, project.id, 'amocrm', {
          before: cursor,
          limit: limit + 1,
        });
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
