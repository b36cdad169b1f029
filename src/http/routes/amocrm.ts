import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { uuidParam } from '../../accounts/fields.js';
import { deleteIntegration, findIntegration } from '../../db/queries/integrations.js';
import { isAddressRefused } from '../../delivery/address-guard.js';
import { AmoError } from '../../integrations/amocrm/client.js';
import { isConnected } from '../../integrations/amocrm/connect.js';
import { finishAuthorization, type OAuthDeps } from '../../integrations/amocrm/oauth-flow.js';
import { integrationJson, optionsJson } from '../../integrations/amocrm/serialize.js';
import { settingsBody, settingsJson, storedSettings } from '../../integrations/amocrm/settings.js';
import { accountOptions, type Saved, saveIntegration } from '../../integrations/amocrm/setup.js';
import { AMO_TOKEN_PURPOSE } from '../../integrations/amocrm/token-store.js';
import { Sealer } from '../../security/sealed.js';
import { requireRole, requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { ownProject } from '../own-project.js';

/** amoCRM's own refusal, said in words; never a token. */
function fromAmo(err: unknown): never {
  // The account's address is refused by the guard: the one generic answer, nothing of the socket's.
  if (isAddressRefused(err)) throw new AppError(422, 'address_not_allowed');
  if (err instanceof AmoError) {
    if (err.kind === 'auth' || err.kind === 'payment' || err.kind === 'forbidden')
      throw new AppError(422, 'amocrm_rejected', { detail: err.detail });
    throw new AppError(502, 'amocrm_unavailable', { detail: err.detail });
  }
  throw err;
}

export const amocrmRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const deps: OAuthDeps = {
      db: ctx.db,
      tokenSealer: new Sealer(ctx.config.secretKey, AMO_TOKEN_PURPOSE),
      fetch: ctx.guard.fetch,
      publicUrl: ctx.config.publicUrl,
      allowCustomHosts: ctx.config.allowCustomIntegrationHosts,
    };

    function view({ row, authorizeUrl }: Saved) {
      return {
        connected: isConnected(row),
        connection: row ? { baseUrl: row.base_url, auth: row.auth, accountId: row.remote_account_id } : null,
        problem: row?.paused_at
          ? {
              since: row.paused_at.toISOString(),
              reason: row.pause_reason ?? '',
              status: row.pause_status,
              nextProbeAt: row.next_probe_at?.toISOString() ?? null,
              probeUntil: row.probe_until?.toISOString() ?? null,
            }
          : null,
        ...settingsJson(storedSettings(row)),
        ...(authorizeUrl === undefined ? {} : { authorizeUrl }),
      };
    }

    app.get(
      '/projects/:id/integrations/amocrm',
      {
        schema: {
          tags: ['integrations'],
          summary: 'The project’s amoCRM connection and settings (no secrets)',
          params: uuidParam,
          response: { 200: integrationJson },
        },
      },
      async (req) => {
        const project = await ownProject(ctx.db, requireUser(req), req.params.id);
        return view({ row: await findIntegration(ctx.db, project.id, 'amocrm') });
      },
    );

    app.put(
      '/projects/:id/integrations/amocrm',
      {
        schema: {
          tags: ['integrations'],
          summary:
            'Connect amoCRM (long-lived token, or OAuth client id/secret → authorizeUrl) and save the settings, checked against the account',
          params: uuidParam,
          body: settingsBody,
          response: { 200: integrationJson },
        },
      },
      async (req) => {
        const who = requireRole(req, 'admin');
        const project = await ownProject(ctx.db, who, req.params.id);
        const language = who.account.language ?? 'ru';
        return view(await saveIntegration(deps, project.id, req.body, language).catch(fromAmo));
      },
    );

    app.delete(
      '/projects/:id/integrations/amocrm',
      {
        schema: {
          tags: ['integrations'],
          summary: 'Disconnect amoCRM (the tokens are deleted; amoCRM keeps what was sent)',
          params: uuidParam,
        },
      },
      async (req, reply) => {
        const project = await ownProject(ctx.db, requireRole(req, 'admin'), req.params.id);
        if (!(await deleteIntegration(ctx.db, project.id, 'amocrm'))) throw notFound();
        return reply.status(204).send();
      },
    );

    app.get(
      '/projects/:id/integrations/amocrm/options',
      {
        schema: {
          tags: ['integrations'],
          summary: 'The amoCRM account’s users, pipelines with statuses and custom fields, loaded live',
          params: uuidParam,
          response: { 200: optionsJson },
        },
      },
      async (req) => {
        const project = await ownProject(ctx.db, requireUser(req), req.params.id);
        return accountOptions(deps, project.id).catch(fromAmo);
      },
    );

    // amoCRM sends the browser back here after "Allow" (see oauth-flow.ts).
    app.get(
      '/integrations/amocrm/callback',
      {
        schema: {
          tags: ['integrations'],
          summary: 'OAuth redirect target for amoCRM',
          querystring: z.object({
            code: z.string().min(1).max(4096).optional(),
            state: z.string().min(1).max(200),
            error: z.string().max(500).optional(),
          }),
        },
      },
      async (req, reply) => reply.redirect(await finishAuthorization(deps, req.query, req.log)),
    );
  };
