import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { uuidParam } from '../../accounts/fields.js';
import { resumeIntegration } from '../../db/queries/integrations.js';
import type { Integration, Project } from '../../db/schema.js';
import { isAddressRefused } from '../../delivery/address-guard.js';
import { createRateGate } from '../../delivery/rate-gate.js';
import {
  type AmoClient,
  AmoError,
  AmoClient as Client,
  exchangeAuthorizationCode,
} from '../../integrations/amocrm/client.js';
import { configure, loadOptions } from '../../integrations/amocrm/configure.js';
import {
  AMO_REQUESTS_PER_SECOND,
  amoClientFor,
  authorizeUrl,
  fixedToken,
} from '../../integrations/amocrm/connect.js';
import { integrationJson, optionsJson } from '../../integrations/amocrm/serialize.js';
import {
  accountBaseUrl,
  type ConnectionBody,
  settingsBody,
  settingsJson,
} from '../../integrations/amocrm/settings.js';
import {
  deleteAmoIntegration,
  findAmoIntegration,
  findIntegrationById,
  isConnected,
  saveConnection,
  saveSettings,
  storedSettings,
} from '../../integrations/amocrm/store.js';
import { AMO_TOKEN_PURPOSE } from '../../integrations/amocrm/token-store.js';
import { Sealer } from '../../security/sealed.js';
import { sha256 } from '../../security/tokens.js';
import { requireRole, requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { ownProject } from '../own-project.js';

const OAUTH_STATE_TTL_MS = 30 * 60_000;

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
    const tokenSealer = new Sealer(ctx.config.secretKey, AMO_TOKEN_PURPOSE);
    const deps = { db: ctx.db, tokenSealer, fetch: ctx.guard.fetch };
    const redirectUri = `${ctx.config.publicUrl}/api/v1/integrations/amocrm/callback`;

    async function newAuthorization(row: Integration): Promise<string> {
      const state = randomBytes(24).toString('base64url');
      await ctx.db
        .insertInto('oauth_states')
        .values({
          state_hash: sha256(state),
          project_id: row.project_id,
          kind: 'amocrm',
          payload_enc: tokenSealer.seal(JSON.stringify({ integrationId: row.id })),
          expires_at: new Date(Date.now() + OAUTH_STATE_TTL_MS),
        })
        .execute();
      return authorizeUrl({
        baseUrl: row.base_url,
        custom: ctx.config.allowCustomIntegrationHosts,
        clientId: row.client_id ?? '',
        state,
      });
    }

    async function view(row: Integration | undefined, extra: { authorizeUrl?: string } = {}) {
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
        ...extra,
      };
    }

    /** An OAuth connection is stored at once and waits for the user to allow access in amoCRM. */
    async function connectOAuth(
      project: Project,
      c: ConnectionBody & { clientId: string; clientSecret: string },
    ) {
      const row = await saveConnection(ctx.db, project.id, {
        baseUrl: accountBaseUrl(c),
        auth: 'oauth',
        clientId: c.clientId,
        clientSecretEnc: tokenSealer.seal(c.clientSecret),
        redirectUri,
        accessTokenEnc: null,
        refreshTokenEnc: null,
        accessExpiresAt: null,
        remoteAccountId: null,
      });
      return view(row, { authorizeUrl: await newAuthorization(row) });
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
        return view(await findAmoIntegration(ctx.db, project.id));
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
        const body = req.body;
        const row = await findAmoIntegration(ctx.db, project.id);
        const wantsEntities = Object.values(body.entities).some((e) => e !== undefined);
        const c = body.connection;
        if (c?.baseUrl && !ctx.config.allowCustomIntegrationHosts)
          throw new AppError(422, 'custom_host_not_allowed', {}, [
            { path: 'body.connection.baseUrl', message: 'custom hosts are disabled on this server' },
          ]);
        if (c && 'clientId' in c) {
          if (wantsEntities)
            throw new AppError(409, 'amocrm_not_connected', {}, [
              {
                path: 'body.entities',
                message: 'save the OAuth connection alone, allow access in amoCRM, then save the settings',
              },
            ]);
          return connectOAuth(project, c);
        }
        if (!c && !isConnected(row)) {
          if (row?.auth === 'oauth' && !wantsEntities)
            return view(row, { authorizeUrl: await newAuthorization(row) });
          throw new AppError(409, 'amocrm_not_connected');
        }

        // The settings are checked (and fields created) with the connection they will use; a new
        // long-lived token is tried first and stored only together with settings that passed.
        const client: AmoClient = c
          ? new Client({
              baseUrl: accountBaseUrl(c),
              tokens: fixedToken(c.longLivedToken),
              gate: createRateGate(ctx.db, `amocrm:${accountBaseUrl(c)}`, {
                perSecond: AMO_REQUESTS_PER_SECOND,
              }),
              fetch: ctx.guard.fetch,
            })
          : amoClientFor(deps, row as Integration);
        const account = c ? await client.account().catch(fromAmo) : null;
        const language = who.account.language ?? 'ru';
        const result = await configure(client, storedSettings(row), body, language).catch(fromAmo);
        if (!result.ok) throw new AppError(422, 'amocrm_settings_invalid', {}, result.problems);
        const saved = await ctx.db.transaction().execute(async (trx) => {
          const target =
            c && account
              ? await saveConnection(trx, project.id, {
                  baseUrl: accountBaseUrl(c),
                  auth: 'long_lived',
                  clientId: null,
                  clientSecretEnc: null,
                  redirectUri: null,
                  accessTokenEnc: tokenSealer.seal(c.longLivedToken),
                  refreshTokenEnc: null,
                  accessExpiresAt: null,
                  remoteAccountId: account.id,
                })
              : (row as Integration);
          return saveSettings(trx, target.id, result.settings);
        });
        // A new token that works: whatever waited for the account goes out now.
        if (c && saved.paused_at) {
          await resumeIntegration(ctx.db, saved.id);
          return view(await findIntegrationById(ctx.db, saved.id));
        }
        return view(saved);
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
        if (!(await deleteAmoIntegration(ctx.db, project.id))) throw notFound();
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
        const row = await findAmoIntegration(ctx.db, project.id);
        if (!row || !isConnected(row)) throw new AppError(409, 'amocrm_not_connected');
        return loadOptions(amoClientFor(deps, row)).catch(fromAmo);
      },
    );

    // amoCRM sends the browser back here after "Allow". The state is the capability: single use,
    // 30 minutes, stored hashed. The token endpoint is the stored account's, never the `referer`
    // amoCRM adds to the URL (a forged referer would otherwise choose where our secret goes).
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
      async (req, reply) => {
        const claimed = await ctx.db
          .deleteFrom('oauth_states')
          .where('state_hash', '=', sha256(req.query.state))
          .returningAll()
          .executeTakeFirst();
        if (!claimed || claimed.expires_at.getTime() < Date.now())
          throw new AppError(400, 'oauth_state_invalid');
        const { integrationId } = JSON.parse(tokenSealer.open(claimed.payload_enc)) as {
          integrationId: string;
        };
        const row = await findIntegrationById(ctx.db, integrationId);
        if (!row?.client_id || !row.client_secret_enc || !row.redirect_uri)
          throw new AppError(400, 'oauth_state_invalid');
        const page = `${ctx.config.publicUrl}/projects/${row.project_id}/amocrm`;
        if (!req.query.code)
          return reply.redirect(`${page}?error=${encodeURIComponent(req.query.error ?? 'denied')}`);
        try {
          const t = await exchangeAuthorizationCode({
            baseUrl: row.base_url,
            clientId: row.client_id,
            clientSecret: tokenSealer.open(row.client_secret_enc),
            redirectUri: row.redirect_uri,
            code: req.query.code,
            fetch: ctx.guard.fetch,
          });
          const saved = await saveConnection(ctx.db, row.project_id, {
            baseUrl: row.base_url,
            auth: 'oauth',
            clientId: row.client_id,
            clientSecretEnc: row.client_secret_enc,
            redirectUri: row.redirect_uri,
            accessTokenEnc: tokenSealer.seal(t.accessToken),
            refreshTokenEnc: tokenSealer.seal(t.refreshToken),
            accessExpiresAt: new Date(Date.now() + t.expiresIn * 1000),
            remoteAccountId: null,
          });
          const account = await amoClientFor(deps, saved)
            .account()
            .catch(() => null);
          if (account)
            await ctx.db
              .updateTable('integrations')
              .set({ remote_account_id: account.id })
              .where('id', '=', saved.id)
              .execute();
          if (account && saved.paused_at) await resumeIntegration(ctx.db, saved.id);
          return reply.redirect(`${page}?connected=1`);
        } catch (err) {
          req.log.warn(
            { err: err instanceof AmoError ? err.message : String(err) },
            'amoCRM OAuth exchange failed',
          );
          const detail = err instanceof AmoError ? err.detail : 'exchange failed';
          return reply.redirect(`${page}?error=${encodeURIComponent(detail)}`);
        }
      },
    );
  };
