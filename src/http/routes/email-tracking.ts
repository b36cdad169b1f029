import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { uuidParam } from '../../accounts/fields.js';
import type { Language } from '../../db/schema.js';
import { ADDRESS_REFUSED_TEXT } from '../../delivery/address-guard.js';
import { testMailboxSettings } from '../../email/connection-test.js';
import {
  emailTrackingBody,
  emailTrackingJson,
  MAILBOX_PASSWORD_PURPOSE,
  mailboxTestBody,
  mailboxTestJson,
} from '../../email/settings.js';
import {
  loadEmailSettings,
  type SettingsRefusal,
  type StoredEmailSettings,
  saveEmailSettings,
} from '../../email/settings-store.js';
import { Sealer } from '../../security/sealed.js';
import { requireRole, requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { localise, pickLanguage } from '../messages.js';
import { ownProject } from '../own-project.js';

/** The guard's refusal, said the same way wherever and whenever it happened. */
function addressRefused(paths: string[], lang: Language): AppError {
  const message = localise('address_not_allowed', lang);
  return new AppError(
    400,
    'address_not_allowed',
    {},
    paths.map((path) => ({ path, message })),
  );
}

/** Settings refused: the guard's refusal said as everywhere, missing fields as any validation error. */
function refused(r: SettingsRefusal, lang: Language): AppError {
  return 'refusedHosts' in r
    ? addressRefused(r.refusedHosts, lang)
    : new AppError(400, 'validation_error', {}, r.problems);
}

/** A mailbox's status line; the guard's refusal in the reader's language like the API's answers. */
function statusText(stored: string | null, lang: Language): string | null {
  return stored === ADDRESS_REFUSED_TEXT ? localise('address_not_allowed', lang) : stored;
}

/** The stored settings as the API shows them: passwords never, statuses in the reader's language. */
function view({ tracking, mailboxes }: StoredEmailSettings, lang: Language) {
  return {
    configured: Boolean(tracking),
    publicAddress: tracking?.public_address ?? null,
    aliases:
      tracking?.alias_mode === 'pool'
        ? { mode: 'pool' as const, addresses: tracking.pool_addresses, holdMinutes: tracking.hold_minutes }
        : { mode: 'plus' as const },
    mailboxes: mailboxes.map((b) => ({
      id: b.id,
      host: b.host,
      port: b.port,
      tls: b.tls,
      user: b.username,
      folders: b.folders,
      since: b.since.toISOString(),
      status: b.status,
      statusMessage: statusText(b.status_message, lang),
      lastUid: b.lastUid,
      lastSyncAt: b.last_sync_at?.toISOString() ?? null,
    })),
  };
}

export const emailTrackingRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const deps = { guard: ctx.guard, sealer: new Sealer(ctx.config.secretKey, MAILBOX_PASSWORD_PURPOSE) };

    app.get(
      '/projects/:id/email-tracking',
      {
        schema: {
          tags: ['email'],
          summary:
            'E-mail tracking: the public address, how aliases are made, and each mailbox’s live status',
          params: uuidParam,
          response: { 200: emailTrackingJson },
        },
      },
      async (req) => {
        const project = await ownProject(ctx.db, requireUser(req), req.params.id);
        return view(
          await loadEmailSettings(ctx.db, project.id),
          pickLanguage(req.headers['accept-language']),
        );
      },
    );

    app.post(
      '/projects/:id/email-tracking/test',
      {
        schema: {
          tags: ['email'],
          summary: 'Try a mailbox connection (login and folders); failures in the server’s own words',
          params: uuidParam,
          body: mailboxTestBody,
          response: { 200: mailboxTestJson },
        },
      },
      async (req) => {
        const project = await ownProject(ctx.db, requireRole(req, 'admin'), req.params.id);
        const lang = pickLanguage(req.headers['accept-language']);
        const r = await testMailboxSettings(ctx.db, deps, project.id, req.body);
        if ('refusal' in r) throw refused(r.refusal, lang);
        return r.ok
          ? { ok: true, message: `connected; folders: ${r.folders.join(', ')}` }
          : { ok: false, message: r.message };
      },
    );

    app.put(
      '/projects/:id/email-tracking',
      {
        schema: {
          tags: ['email'],
          summary:
            'Set the public address, the aliases (plus-addressing or a pool) and the mailboxes read over IMAP (passwords are write-only)',
          params: uuidParam,
          body: emailTrackingBody,
          response: { 200: emailTrackingJson },
        },
      },
      async (req) => {
        const project = await ownProject(ctx.db, requireRole(req, 'admin'), req.params.id);
        const lang = pickLanguage(req.headers['accept-language']);
        const refusal = await saveEmailSettings(ctx.db, deps, project.id, req.body);
        if (refusal) throw refused(refusal, lang);
        return view(await loadEmailSettings(ctx.db, project.id), lang);
      },
    );
  };
