import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { uuidParam } from '../../accounts/fields.js';
import type { Db } from '../../db/connection.js';
import type { Language } from '../../db/schema.js';
import { ADDRESS_REFUSED_TEXT, isAddressRefused } from '../../delivery/address-guard.js';
import { testMailboxConnection } from '../../email/mailbox-reader.js';
import { notifyMailboxesChanged } from '../../email/pollers.js';
import {
  emailTrackingBody,
  emailTrackingJson,
  MAILBOX_PASSWORD_PURPOSE,
  mailboxTestBody,
  mailboxTestJson,
} from '../../email/settings.js';
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

/** A mailbox's status line; the guard's refusal in the reader's language like the API's answers. */
function statusText(stored: string | null, lang: Language): string | null {
  return stored === ADDRESS_REFUSED_TEXT ? localise('address_not_allowed', lang) : stored;
}

async function view(db: Db, projectId: string, lang: Language) {
  const row = await db
    .selectFrom('email_tracking')
    .selectAll()
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  const boxes = await db
    .selectFrom('mailboxes')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('created_at')
    .execute();
  const lastUids = boxes.length
    ? await db
        .selectFrom('mailbox_folders')
        .select(['mailbox_id', (eb) => eb.fn.max('last_uid').as('last_uid')])
        .where(
          'mailbox_id',
          'in',
          boxes.map((b) => b.id),
        )
        .groupBy('mailbox_id')
        .execute()
    : [];
  return {
    configured: Boolean(row),
    publicAddress: row?.public_address ?? null,
    aliases:
      row?.alias_mode === 'pool'
        ? { mode: 'pool' as const, addresses: row.pool_addresses, holdMinutes: row.hold_minutes }
        : { mode: 'plus' as const },
    mailboxes: boxes.map((b) => ({
      id: b.id,
      host: b.host,
      port: b.port,
      tls: b.tls,
      user: b.username,
      folders: b.folders,
      since: b.since.toISOString(),
      status: b.status,
      statusMessage: statusText(b.status_message, lang),
      lastUid: lastUids.find((u) => u.mailbox_id === b.id)?.last_uid ?? null,
      lastSyncAt: b.last_sync_at?.toISOString() ?? null,
    })),
  };
}

export const emailTrackingRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const sealer = new Sealer(ctx.config.secretKey, MAILBOX_PASSWORD_PURPOSE);

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
        return view(ctx.db, project.id, pickLanguage(req.headers['accept-language']));
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
        const b = req.body;
        const lang = pickLanguage(req.headers['accept-language']);
        await ctx.guard.checkHost(b.host).catch((err: unknown) => {
          throw isAddressRefused(err) ? addressRefused(['body.host'], lang) : err;
        });
        let password = b.password;
        if (!password && b.mailboxId) {
          // The stored password goes only to the host and user it was saved for: otherwise it
          // could be sent to a server of the caller's choosing.
          const saved = await ctx.db
            .selectFrom('mailboxes')
            .select(['password_enc', 'host', 'username'])
            .where('id', '=', b.mailboxId)
            .where('project_id', '=', project.id)
            .executeTakeFirst();
          if (saved && saved.host === b.host && saved.username === b.user)
            password = sealer.open(saved.password_enc);
        }
        if (!password)
          throw new AppError(400, 'validation_error', {}, [{ path: 'body.password', message: 'required' }]);
        const r = await testMailboxConnection(
          { host: b.host, port: b.port, tls: b.tls, user: b.user, password, folders: b.folders },
          { guard: ctx.guard, timeoutMs: 15_000 },
        );
        // Refused when connecting (the name resolves elsewhere now): the same answer as above.
        if (!r.ok && r.refused) throw addressRefused(['body.host'], lang);
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
        const b = req.body;
        const lang = pickLanguage(req.headers['accept-language']);
        const existing = await ctx.db
          .selectFrom('mailboxes')
          .selectAll()
          .where('project_id', '=', project.id)
          .execute();
        const problems: Array<{ path: string; message: string }> = [];
        const refused: string[] = [];
        const plan: Array<{ m: (typeof b.mailboxes)[number]; same: (typeof existing)[number] | undefined }> =
          [];
        for (const [i, m] of b.mailboxes.entries()) {
          const same = existing.find((e) => e.host === m.host && e.username === m.user);
          if (!m.password && !same)
            problems.push({ path: `body.mailboxes.${i}.password`, message: 'required for a new mailbox' });
          await ctx.guard.checkHost(m.host).catch((err: unknown) => {
            if (!isAddressRefused(err)) throw err;
            refused.push(`body.mailboxes.${i}.host`);
          });
          plan.push({ m, same });
        }
        if (refused.length > 0) throw addressRefused(refused, lang);
        if (problems.length > 0) throw new AppError(400, 'validation_error', {}, problems);

        await ctx.db.transaction().execute(async (trx) => {
          const values = {
            public_address: b.publicAddress,
            alias_mode: b.aliases.mode,
            pool_addresses: b.aliases.mode === 'pool' ? b.aliases.addresses : [],
            hold_minutes: b.aliases.mode === 'pool' ? b.aliases.holdMinutes : 30,
            updated_at: new Date(),
          };
          await trx
            .insertInto('email_tracking')
            .values({ project_id: project.id, ...values })
            .onConflict((oc) => oc.column('project_id').doUpdateSet(values))
            .execute();
          const kept = new Set<string>();
          for (const { m, same } of plan) {
            const fields = {
              host: m.host,
              port: m.port,
              tls: m.tls,
              username: m.user,
              folders: m.folders,
              ...(m.password ? { password_enc: sealer.seal(m.password) } : {}),
              ...(m.since ? { since: new Date(m.since) } : {}),
              // A changed connection is tried again; its reading position stays.
              ...(!same ||
              m.password ||
              same.port !== m.port ||
              same.tls !== m.tls ||
              same.folders.join('\n') !== m.folders.join('\n')
                ? { status: 'pending' as const, status_message: null }
                : {}),
              updated_at: new Date(),
            };
            if (same) {
              await trx.updateTable('mailboxes').set(fields).where('id', '=', same.id).execute();
              kept.add(same.id);
            } else {
              await trx
                .insertInto('mailboxes')
                .values({
                  project_id: project.id,
                  ...fields,
                  password_enc: sealer.seal(m.password ?? ''),
                  since: m.since ? new Date(m.since) : new Date(),
                })
                .execute();
            }
          }
          const gone = existing.filter((e) => !kept.has(e.id)).map((e) => e.id);
          if (gone.length > 0) await trx.deleteFrom('mailboxes').where('id', 'in', gone).execute();
          // Pollers in the worker pick the change up at once (NOTIFY is sent on commit).
          await notifyMailboxesChanged(trx);
        });
        return view(ctx.db, project.id, lang);
      },
    );
  };
