import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { uuidParam } from '../../accounts/fields.js';
import { insertProject, listProjects, softDeleteProject, updateProject } from '../../db/queries/projects.js';
import type { AttributionModel, Project } from '../../db/schema.js';
import { newApiKey, newSiteKey } from '../../projects/keys.js';
import { newProjectBody, projectJson, projectPatchBody, toProjectJson } from '../../projects/serialize.js';
import type { SiteDirectory } from '../../tracking/sites.js';
import { type Principal, requireRole, requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { itemsJson } from '../lists.js';
import { ownProject } from '../own-project.js';

/** API names → columns for the lead settings present in a body. */
function leadSettingColumns(b: {
  attributionModel?: AttributionModel;
  duplicateWindowMinutes?: number;
  phoneRegion?: string;
}) {
  return {
    ...(b.attributionModel !== undefined && { attribution_model: b.attributionModel }),
    ...(b.duplicateWindowMinutes !== undefined && { duplicate_window_minutes: b.duplicateWindowMinutes }),
    ...(b.phoneRegion !== undefined && { phone_region: b.phoneRegion }),
  };
}

export const projectRoutes =
  (ctx: AppContext, sites: SiteDirectory): FastifyPluginAsyncZod =>
  async (app) => {
    const json = (p: Project, who: Principal) =>
      toProjectJson(p, { publicUrl: ctx.config.publicUrl, sealer: ctx.keySealer, role: who.user.role });

    // Tenant check first, role second: another account's project is a 404 whatever your role.

    app.get(
      '/projects',
      {
        schema: {
          tags: ['projects'],
          summary: "The account's projects",
          response: { 200: itemsJson(projectJson) },
        },
      },
      async (req) => {
        const who = requireUser(req);
        return { items: (await listProjects(ctx.db, who.account.id)).map((p) => json(p, who)) };
      },
    );

    app.post(
      '/projects',
      {
        schema: {
          tags: ['projects'],
          summary: 'Create a project (owner, admin); time zone and currency default to the account’s',
          body: newProjectBody,
          response: { 201: projectJson },
        },
      },
      async (req, reply) => {
        const who = requireRole(req, 'admin');
        const apiKey = newApiKey(ctx.keySealer);
        const project = await insertProject(ctx.db, {
          accountId: who.account.id,
          name: req.body.name,
          domains: req.body.domains,
          timezone: req.body.timezone ?? who.account.timezone,
          currency: req.body.currency ?? who.account.currency.trim(),
          siteKey: newSiteKey(),
          apiKeyHash: apiKey.hash,
          apiKeyEnc: apiKey.sealed,
          settings: leadSettingColumns(req.body),
        });
        sites.changed(project.site_key);
        return reply.status(201).send(json(project, who));
      },
    );

    app.get(
      '/projects/:id',
      {
        schema: {
          tags: ['projects'],
          summary: 'One project',
          params: uuidParam,
          response: { 200: projectJson },
        },
      },
      async (req) => {
        const who = requireUser(req);
        return json(await ownProject(ctx.db, who, req.params.id), who);
      },
    );

    app.patch(
      '/projects/:id',
      {
        schema: {
          tags: ['projects'],
          summary: 'Change a project (owner, admin)',
          params: uuidParam,
          body: projectPatchBody,
          response: { 200: projectJson },
        },
      },
      async (req) => {
        const who = requireUser(req);
        const before = await ownProject(ctx.db, who, req.params.id);
        requireRole(req, 'admin');
        const { attributionModel, duplicateWindowMinutes, phoneRegion, ...plain } = req.body;
        const updated = await updateProject(ctx.db, who.account.id, req.params.id, {
          ...plain,
          ...leadSettingColumns({ attributionModel, duplicateWindowMinutes, phoneRegion }),
        });
        // Other processes hear of it from the database (migration 0010); this one at once.
        sites.changed(before.site_key);
        if (!updated) throw notFound();
        return json(updated, who);
      },
    );

    app.delete(
      '/projects/:id',
      {
        schema: {
          tags: ['projects'],
          summary: 'Delete a project (owner, admin): its site key stops accepting hits; its data is kept',
          params: uuidParam,
        },
      },
      async (req, reply) => {
        const who = requireUser(req);
        const before = await ownProject(ctx.db, who, req.params.id);
        requireRole(req, 'admin');
        const deleted = await softDeleteProject(ctx.db, who.account.id, req.params.id);
        sites.changed(before.site_key);
        if (!deleted) throw notFound();
        return reply.status(204).send();
      },
    );

    for (const key of ['site-key', 'api-key'] as const) {
      app.post(
        `/projects/:id/${key}/rotate`,
        {
          schema: {
            tags: ['projects'],
            summary: `Replace the project's ${key === 'site-key' ? 'public site key' : 'secret API key'} (owner, admin); the old one stops working at once`,
            params: uuidParam,
            response: { 200: projectJson },
          },
        },
        async (req) => {
          const who = requireUser(req);
          const before = await ownProject(ctx.db, who, req.params.id);
          requireRole(req, 'admin');
          const patch =
            key === 'site-key'
              ? { site_key: newSiteKey() }
              : (({ hash, sealed }) => ({ api_key_hash: hash, api_key_enc: sealed }))(
                  newApiKey(ctx.keySealer),
                );
          const updated = await updateProject(ctx.db, who.account.id, req.params.id, patch);
          sites.changed(before.site_key);
          if (!updated) throw notFound();
          return json(updated, who);
        },
      );
    }
  };
