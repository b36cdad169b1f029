import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { emailField, nameField, passwordField, roleField, uuidParam } from '../../accounts/fields.js';
import {
  createdInvitationJson,
  invitationJson,
  inviteInfoJson,
  meJson,
  toAccountJson,
  toUserJson,
  userJson,
} from '../../accounts/serialize.js';
import {
  countOwners,
  deleteUser,
  findAccount,
  findUser,
  findUserByEmail,
  insertUser,
  listUsers,
  updateUser,
  withAccountLock,
} from '../../db/queries/accounts.js';
import {
  deleteInvitation,
  findOpenInvitation,
  findOpenInvitationByToken,
  insertInvitation,
  listOpenInvitations,
  markInvitationAccepted,
} from '../../db/queries/invitations.js';
import type { Invitation } from '../../db/schema.js';
import { invitationLetter } from '../../mailer/letters.js';
import { hashPassword } from '../../security/passwords.js';
import { newSecret, sha256 } from '../../security/tokens.js';
import { requireRole, requireUser, signIn } from '../auth.js';
import type { AppContext } from '../context.js';
import { AppError, forbidden, notFound } from '../errors.js';
import { itemsJson } from '../lists.js';
import { isUniqueViolation } from '../pg-errors.js';

const INVITATION_DAYS = 7;

const toInvitationJson = (i: Invitation): z.infer<typeof invitationJson> => ({
  id: i.id,
  email: i.email,
  role: i.role,
  createdAt: i.created_at.toISOString(),
  expiresAt: i.expires_at.toISOString(),
});

const tokenParam = z.object({ token: z.string().min(10).max(200) });

export const userRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/users',
      {
        schema: {
          tags: ['users'],
          summary: "The account's members",
          response: { 200: itemsJson(userJson) },
        },
      },
      async (req) => ({ items: (await listUsers(ctx.db, requireUser(req).account.id)).map(toUserJson) }),
    );

    app.patch(
      '/users/:id',
      {
        schema: {
          tags: ['users'],
          summary: "Change a member's role (owner)",
          params: uuidParam,
          body: z.strictObject({ role: roleField }),
          response: { 200: userJson },
        },
      },
      async (req) => {
        const p = requireUser(req);
        if (!(await findUser(ctx.db, p.account.id, req.params.id))) throw notFound();
        requireRole(req, 'owner');
        // Check and change under the account lock: concurrent demotions must not leave no owner.
        const user = await withAccountLock(ctx.db, p.account.id, async (trx) => {
          const me = await findUser(trx, p.account.id, p.user.id);
          if (me?.role !== 'owner') throw forbidden();
          const target = await findUser(trx, p.account.id, req.params.id);
          if (!target) throw notFound();
          if (
            target.role === 'owner' &&
            req.body.role !== 'owner' &&
            (await countOwners(trx, p.account.id)) <= 1
          ) {
            throw new AppError(409, 'last_owner');
          }
          return updateUser(trx, p.account.id, target.id, { role: req.body.role });
        });
        if (!user) throw notFound();
        return toUserJson(user);
      },
    );

    app.delete(
      '/users/:id',
      {
        schema: {
          tags: ['users'],
          summary: 'Remove a member (owners remove anyone, admins remove viewers)',
          params: uuidParam,
        },
      },
      async (req, reply) => {
        const p = requireUser(req);
        if (!(await findUser(ctx.db, p.account.id, req.params.id))) throw notFound();
        // Roles are re-read under the account lock, so the last-owner check holds under concurrency.
        await withAccountLock(ctx.db, p.account.id, async (trx) => {
          const me = await findUser(trx, p.account.id, p.user.id);
          const target = await findUser(trx, p.account.id, req.params.id);
          if (!me || !target) throw notFound();
          const allowed = me.role === 'owner' || (me.role === 'admin' && target.role === 'viewer');
          if (!allowed) throw forbidden();
          if (target.role === 'owner' && (await countOwners(trx, p.account.id)) <= 1) {
            throw new AppError(409, 'last_owner');
          }
          await deleteUser(trx, p.account.id, target.id);
        });
        return reply.status(204).send();
      },
    );

    app.get(
      '/invitations',
      {
        schema: {
          tags: ['users'],
          summary: 'Open invitations (owner, admin)',
          response: { 200: itemsJson(invitationJson) },
        },
      },
      async (req) => {
        const p = requireRole(req, 'admin');
        return { items: (await listOpenInvitations(ctx.db, p.account.id)).map(toInvitationJson) };
      },
    );

    app.post(
      '/invitations',
      {
        schema: {
          tags: ['users'],
          summary:
            'Invite someone by link (owner, admin). With SMTP configured the link is e-mailed to them (emailed: true once the mail server took it); otherwise send them the returned url',
          body: z.strictObject({ email: emailField, role: z.enum(['admin', 'viewer']) }),
          response: { 201: createdInvitationJson },
        },
      },
      async (req, reply) => {
        const p = requireRole(req, 'admin');
        if (await findUserByEmail(ctx.db, req.body.email)) throw new AppError(409, 'email_taken');
        const token = newSecret('', 24);
        const inv = await insertInvitation(ctx.db, {
          accountId: p.account.id,
          email: req.body.email,
          role: req.body.role,
          tokenHash: sha256(token),
          invitedBy: p.user.id,
          expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
        });
        const url = `${ctx.config.publicUrl}/invite/${token}`;
        const emailed =
          ctx.mailer.enabled &&
          (await ctx.mailer.send(
            invitationLetter(p.account.language, {
              to: inv.email,
              url,
              accountName: p.account.name,
              inviter: p.user.name || p.user.email,
              days: INVITATION_DAYS,
            }),
            'invitation',
          ));
        return reply.status(201).send({ ...toInvitationJson(inv), url, emailed });
      },
    );

    app.delete(
      '/invitations/:id',
      { schema: { tags: ['users'], summary: 'Revoke an invitation (owner, admin)', params: uuidParam } },
      async (req, reply) => {
        const p = requireUser(req);
        // Look before the role check so another account's id is a 404 for everyone.
        if (!(await findOpenInvitation(ctx.db, p.account.id, req.params.id))) throw notFound();
        requireRole(req, 'admin');
        await deleteInvitation(ctx.db, p.account.id, req.params.id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/invite/:token',
      {
        schema: {
          tags: ['users'],
          summary: 'What an invitation link offers (public)',
          security: [],
          params: tokenParam,
          response: { 200: inviteInfoJson },
        },
      },
      async (req) => {
        const inv = await findOpenInvitationByToken(ctx.db, sha256(req.params.token));
        if (!inv) throw new AppError(404, 'invitation_invalid');
        return { email: inv.email, role: inv.role, accountName: inv.account_name };
      },
    );

    app.post(
      '/invite/:token/accept',
      {
        schema: {
          tags: ['users'],
          summary: 'Accept an invitation: creates the user and signs in (public)',
          security: [],
          params: tokenParam,
          body: z.strictObject({ password: passwordField, name: nameField.optional() }),
          response: { 201: meJson },
        },
      },
      async (req, reply) => {
        const inv = await findOpenInvitationByToken(ctx.db, sha256(req.params.token));
        if (!inv) throw new AppError(404, 'invitation_invalid');
        const passwordHash = await hashPassword(req.body.password);
        const user = await ctx.db
          .transaction()
          .execute(async (trx) => {
            if (!(await markInvitationAccepted(trx, inv.id))) throw new AppError(404, 'invitation_invalid');
            return insertUser(trx, {
              accountId: inv.account_id,
              email: inv.email,
              name: req.body.name ?? '',
              passwordHash,
              role: inv.role,
            });
          })
          .catch((err: unknown) => {
            if (isUniqueViolation(err)) throw new AppError(409, 'email_taken');
            throw err;
          });
        const account = await findAccount(ctx.db, user.account_id);
        if (!account) throw notFound();
        await signIn(ctx.db, ctx.config.publicUrl, req, reply, user.id);
        return reply.status(201).send({ user: toUserJson(user), account: toAccountJson(account) });
      },
    );
  };
