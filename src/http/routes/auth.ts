import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { emailField, passwordField } from '../../accounts/fields.js';
import { logIn } from '../../accounts/login.js';
import { requestPasswordReset, resetPassword } from '../../accounts/password-reset.js';
import { meJson, signupBody, toAccountJson, toUserJson } from '../../accounts/serialize.js';
import { signUp } from '../../accounts/signup.js';
import { deleteSession } from '../../db/queries/sessions.js';
import type { User } from '../../db/schema.js';
import { clearSessionCookie, signIn } from '../auth.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';

export const authRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const startSession = (req: FastifyRequest, reply: FastifyReply, user: User) =>
      signIn(ctx.db, ctx.config.publicUrl, req, reply, user.id);

    app.post(
      '/auth/signup',
      {
        schema: {
          tags: ['auth'],
          summary: 'Create an account and its owner, and sign in',
          security: [],
          body: signupBody,
          response: { 201: meJson },
        },
      },
      async (req, reply) => {
        if (!ctx.config.allowSignup) throw new AppError(403, 'signup_disabled');
        const created = await signUp(ctx.db, req.body);
        await startSession(req, reply, created.user);
        return reply
          .status(201)
          .send({ user: toUserJson(created.user), account: toAccountJson(created.account) });
      },
    );

    app.post(
      '/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign in with e-mail and password (throttled per e-mail and per IP)',
          security: [],
          body: z.strictObject({ email: emailField, password: z.string().min(1).max(256) }),
          response: { 200: meJson },
        },
      },
      async (req, reply) => {
        const { user, account } = await logIn(ctx.db, req.body.email, req.body.password, req.ip);
        await startSession(req, reply, user);
        return { user: toUserJson(user), account: toAccountJson(account) };
      },
    );

    app.get(
      '/auth/password-reset',
      {
        schema: {
          tags: ['auth'],
          summary: 'Whether a forgotten password can be reset by e-mail here (SMTP is configured)',
          security: [],
          response: { 200: z.object({ byEmail: z.boolean() }) },
        },
      },
      async () => ({ byEmail: ctx.mailer.enabled }),
    );

    app.post(
      '/auth/password-reset',
      {
        schema: {
          tags: ['auth'],
          summary:
            'Forgotten password: e-mails a one-time link (1 hour) when the e-mail has an account and SMTP is configured. Always 202, so it does not tell which e-mails have accounts; throttled per e-mail and per IP',
          security: [],
          body: z.strictObject({ email: emailField }),
          response: { 202: z.object({}) },
        },
      },
      async (req, reply) => {
        await requestPasswordReset(
          { db: ctx.db, mailer: ctx.mailer, publicUrl: ctx.config.publicUrl },
          req.body.email,
          req.ip,
        );
        return reply.status(202).send({});
      },
    );

    app.post(
      '/auth/password-reset/confirm',
      {
        schema: {
          tags: ['auth'],
          summary:
            'Set a new password with the token of a reset link; the link is used up and every session of the user ends',
          security: [],
          body: z.strictObject({ token: z.string().min(10).max(200), password: passwordField }),
        },
      },
      async (req, reply) => {
        await resetPassword(ctx.db, req.body.token, req.body.password);
        return reply.status(204).send();
      },
    );

    app.post(
      '/auth/logout',
      { schema: { tags: ['auth'], summary: 'End the current session' } },
      async (req, reply) => {
        if (req.principal?.sessionHash) await deleteSession(ctx.db, req.principal.sessionHash);
        clearSessionCookie(req, reply, ctx.config.publicUrl);
        return reply.status(204).send();
      },
    );
  };
