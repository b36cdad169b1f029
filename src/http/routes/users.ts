import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { emailField, nameField, passwordField, roleField, uuidParam } from '../../accounts/fields.js';
import { acceptInvitation, invite, openInvitation } from '../../accounts/invitations.js';
import { changeMemberRole, removeMember } from '../../accounts/members.js';
import {
  createdInvitationJson,
  invitationJson,
  inviteInfoJson,
  meJson,
  toAccountJson,
  toUserJson,
  userJson,
} from '../../accounts/serialize.js';
import { findUser, listUsers } from '../../db/queries/accounts.js';
import { deleteInvitation, findOpenInvitation, listOpenInvitations } from '../../db/queries/invitations.js';
import type { Invitation } from '../../db/schema.js';
import { requireRole, requireUser, signIn } from '../auth.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { itemsJson } from '../lists.js';

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
        const user = await changeMemberRole(ctx.db, p.account.id, p.user.id, req.params.id, req.body.role);
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
        await removeMember(ctx.db, p.account.id, p.user.id, req.params.id);
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
        const { invitation, url, emailed } = await invite(
          { db: ctx.db, mailer: ctx.mailer, publicUrl: ctx.config.publicUrl },
          p,
          req.body,
        );
        return reply.status(201).send({ ...toInvitationJson(invitation), url, emailed });
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
        const inv = await openInvitation(ctx.db, req.params.token);
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
        const { user, account } = await acceptInvitation(ctx.db, req.params.token, req.body);
        await signIn(ctx.db, ctx.config.publicUrl, req, reply, user.id);
        return reply.status(201).send({ user: toUserJson(user), account: toAccountJson(account) });
      },
    );
  };
