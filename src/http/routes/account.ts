import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { changeProfile } from '../../accounts/profile.js';
import {
  accountBody,
  accountJson,
  meBody,
  meJson,
  toAccountJson,
  toUserJson,
} from '../../accounts/serialize.js';
import { updateAccount } from '../../db/queries/accounts.js';
import { requireRole, requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';

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
        const user = await changeProfile(ctx.db, p, req.body);
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
