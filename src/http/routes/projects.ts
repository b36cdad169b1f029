import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { uuidParam } from '../../accounts/fields.js';
import { listProjects } from '../../db/queries/projects.js';
import type { Project } from '../../db/schema.js';
import { changeProject, createProject, deleteProject, rotateProjectKey } from '../../projects/manage.js';
import { newProjectBody, projectJson, projectPatchBody, toProjectJson } from '../../projects/serialize.js';
import type { SiteDirectory } from '../../tracking/sites.js';
import { type Principal, requireRole, requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { itemsJson } from '../lists.js';
import { ownProject } from '../own-project.js';

export const projectRoutes =
  (ctx: AppContext, sites: SiteDirectory): FastifyPluginAsyncZod =>
  async (app) => {
    const deps = { db: ctx.db, keySealer: ctx.keySealer, sites };
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
        const project = await createProject(deps, who.account, req.body);
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
        const updated = await changeProject(deps, before, req.body);
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
        const deleted = await deleteProject(deps, before);
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
          const updated = await rotateProjectKey(deps, before, key);
          if (!updated) throw notFound();
          return json(updated, who);
        },
      );
    }
  };
