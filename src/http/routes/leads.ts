import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { NO_NUL_MESSAGE, noNul, uuidParam } from '../../accounts/fields.js';
import { findLead, listLeads } from '../../db/queries/leads.js';
import { findLeadProject } from '../../db/queries/projects.js';
import { listVisits } from '../../db/queries/visitors.js';
import { contactProblems } from '../../leads/contact.js';
import { projectByApiKey, receiveLead } from '../../leads/intake.js';
import { occurredAtProblem } from '../../leads/occurred-at.js';
import { leadJson, leadListQuery, leadTypeField, toLeadJson } from '../../leads/serialize.js';
import { requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { pageJson } from '../lists.js';

const text = (max: number) => z.string().trim().max(max).refine(noNul, NO_NUL_MESSAGE);

const newLeadBody = z.strictObject({
  type: leadTypeField,
  contact: z
    .strictObject({
      email: text(254).optional(),
      phone: text(50).optional(),
      name: text(200).optional(),
      /** the company a B2B form names; with it amoCRM gets a company linked to the deal and contact */
      company: text(200).optional(),
    })
    .refine((c) => c.email || c.phone || c.name, 'give at least one of email, phone, name'),
  subject: text(500).optional(),
  message: text(10_000).optional(),
  visitorId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{16,64}$/, 'must be the tracker’s visitor id')
    .optional(),
  page: z
    .url({ protocol: /^https?$/ })
    .max(4096)
    .optional(),
  occurredAt: z.iso
    .datetime({ offset: true })
    .superRefine((d, ctx) => {
      const problem = occurredAtProblem(new Date(d));
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  externalId: text(200).pipe(z.string().min(1)).optional(),
});

const cursor = {
  encode: (l: { occurred_at: Date; id: string }) =>
    Buffer.from(JSON.stringify([l.occurred_at.toISOString(), l.id])).toString('base64url'),
  decode: (c: string) => {
    try {
      const [at, id] = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as [unknown, unknown];
      // what encode makes: a 4-digit year (a year PostgreSQL holds) and a lead's uuid
      const atOk = z.iso.datetime().safeParse(at);
      const idOk = z.uuid().safeParse(id);
      if (!atOk.success || !idOk.success) return null;
      const occurredAt = new Date(atOk.data);
      if (Number.isNaN(occurredAt.getTime())) return null;
      return { occurredAt, id: idOk.data };
    } catch {
      return null;
    }
  },
};

export const leadRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/leads',
      {
        schema: {
          tags: ['leads'],
          summary:
            'Send a lead from your server or an offline system (header X-Api-Key: the project API key)',
          security: [{ apiKey: [] }],
          body: newLeadBody,
          response: { 200: leadJson, 201: leadJson },
        },
      },
      async (req, reply) => {
        const project = await projectByApiKey(ctx.db, req.headers['x-api-key']);
        const b = req.body;
        const details = contactProblems(b.contact, project.phoneRegion as CountryCode).map((p) => ({
          path: `body.contact.${p.field}`,
          message: p.message,
        }));
        if (details.length) throw new AppError(400, 'validation_error', {}, details);
        const { lead, created } = await receiveLead(ctx.db, project, {
          type: b.type,
          channel: 'api',
          email: b.contact.email,
          phone: b.contact.phone,
          name: b.contact.name,
          company: b.contact.company,
          subject: b.subject,
          message: b.message,
          page: b.page,
          visitorId: b.visitorId,
          occurredAt: b.occurredAt ? new Date(b.occurredAt) : new Date(),
          externalId: b.externalId,
        });
        return reply.status(created ? 201 : 200).send(toLeadJson(lead));
      },
    );

    app.get(
      '/projects/:id/leads',
      {
        schema: {
          tags: ['leads'],
          summary: "A project's leads, newest first",
          params: uuidParam,
          querystring: leadListQuery,
          response: { 200: pageJson(leadJson) },
        },
      },
      async (req) => {
        const who = requireUser(req);
        const project = await findLeadProject(ctx.db, { accountId: who.account.id, id: req.params.id });
        if (!project) throw notFound();
        const q = req.query;
        const after = q.cursor ? cursor.decode(q.cursor) : undefined;
        if (after === null)
          throw new AppError(400, 'validation_error', {}, [
            { path: 'querystring.cursor', message: 'not a cursor from this API' },
          ]);
        const rows = await listLeads(ctx.db, project.id, {
          type: q.type,
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to) : undefined,
          source: q.source,
          after,
          limit: q.limit + 1,
        });
        const page = rows.slice(0, q.limit);
        const last = page.at(-1);
        return {
          items: page.map((l) => toLeadJson(l)),
          nextCursor: rows.length > q.limit && last ? cursor.encode(last) : null,
        };
      },
    );

    app.get(
      '/leads/:id',
      {
        schema: {
          tags: ['leads'],
          summary: "One lead with its parameters and its visitor's visits",
          params: uuidParam,
          response: { 200: leadJson },
        },
      },
      async (req) => {
        const who = requireUser(req);
        const lead = await findLead(ctx.db, who.account.id, req.params.id);
        if (!lead) throw notFound();
        const visits = lead.visitor_id ? await listVisits(ctx.db, lead.project_id, lead.visitor_id) : [];
        return toLeadJson(lead, visits, who.account.language);
      },
    );
  };
