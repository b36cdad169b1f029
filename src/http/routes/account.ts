import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  accountBody,
  accountJson,
  meBody,
  meJson,
  toAccountJson,
  toUserJson,
} from '../../accounts/serialize.js';
import { updateAccount, updateUser } from '../../db/queries/accounts.js';
import { deleteUserApiTokens } from '../../db/queries/api-tokens.js';
import { deleteUserPasswordResets } from '../../db/queries/password-resets.js';
import { deleteUserSessions } from '../../db/queries/sessions.js';
import { hashPassword, verifyPassword } from '../../security/passwords.js';
import { requireRole, requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';

export const accountRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/me',
      {
        schema: {
          tags: ['account'],
          summary: 'The signed-in user and their account',
          response: { 200: meJson },
        },
      },
      async (req) => {
        const p = requireUser(req);
        return { user: toUserJson(p.user), account: toAccountJson(p.account) };
      },
    );

    app.patch(
      '/me',
      {
        schema: {
          tags: ['account'],
          summary:
            'Change your name, interface language or password (a new password ends your other sessions, and with revokeApiTokens your personal API tokens)',
          body: meBody,
          response: { 200: meJson },
        },
      },
      async (req) => {
        const p = requireUser(req);
        const { name, language, password } = req.body;
        let passwordHash: string | undefined;
        if (password) {
          if (!(await verifyPassword(p.user.password_hash, password.current)))
            throw new AppError(400, 'wrong_password');
          passwordHash = await hashPassword(password.new);
        }
        const user = await updateUser(ctx.db, p.account.id, p.user.id, {
          ...(name !== undefined && { name }),
          ...(language !== undefined && { language }),
          ...(passwordHash && { password_hash: passwordHash }),
        });
        if (!user) throw notFound();
        // A changed password ends every other session (a stolen cookie stops working).
        if (passwordHash) await deleteUserSessions(ctx.db, user.id, p.sessionHash ?? undefined);
        if (passwordHash) await deleteUserPasswordResets(ctx.db, user.id);
        if (passwordHash && password?.revokeApiTokens) await deleteUserApiTokens(ctx.db, user.id);
        return { user: toUserJson(user), account: toAccountJson(p.account) };
      },
    );

    app.get(
      '/account',
      { schema: { tags: ['account'], summary: 'Account settings', response: { 200: accountJson } } },
      async (req) => toAccountJson(requireUser(req).account),
    );

    app.patch(
      '/account',
      {
        schema: {
          tags: ['account'],
          summary: 'Change account settings (owner, admin)',
          body: accountBody,
          response: { 200: accountJson },
        },
      },
      async (req) => {
        const p = requireRole(req, 'admin');
        const account = await updateAccount(ctx.db, p.account.id, req.body);
        if (!account) throw notFound();
        return toAccountJson(account);
      },
    );
  };
