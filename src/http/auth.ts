import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { openSession, SESSION_DAYS } from '../accounts/sessions.js';
import type { Db } from '../db/connection.js';
import { findSessionPrincipal, findTokenPrincipal } from '../db/queries/principals.js';
import { extendSession } from '../db/queries/sessions.js';
import type { Account, User, UserRole } from '../db/schema.js';
import { sha256 } from '../security/tokens.js';
import { AppError } from './errors.js';

export const SESSION_COOKIE = 'lt_session';
const DAY_MS = 86_400_000;

export interface Principal {
  user: User;
  account: Account;
  via: 'session' | 'token';
  /** sha256 of the session cookie when signed in through the cabinet */
  sessionHash: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const RANK: Record<UserRole, number> = { viewer: 0, admin: 1, owner: 2 };

interface AuthOptions {
  db: Db;
  publicUrl: string;
}

/**
 * Resolves who is calling (Bearer token or session cookie) and refuses cross-site writes made
 * with the cookie. Bearer calls carry no ambient credentials, so they need no CSRF check.
 */
export function installAuth(app: FastifyInstance, { db, publicUrl }: AuthOptions): void {
  const publicHost = new URL(publicUrl).host;
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const authz = req.headers.authorization;
    if (authz !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authz);
      if (!m?.[1]) throw new AppError(401, 'invalid_token');
      const found = await findTokenPrincipal(db, sha256(m[1]));
      if (!found) throw new AppError(401, 'invalid_token');
      req.principal = { user: found.user, account: found.account, via: 'token', sessionHash: null };
      return;
    }
    // Server-to-server lead intake authenticates with the project key alone; a cookie that a
    // browser happens to send along is not used, so there is nothing for CSRF to protect.
    if (req.headers['x-api-key'] !== undefined) return;
    const origin = req.headers.origin;
    const sameSite =
      req.headers['sec-fetch-site'] === 'same-origin' ||
      (origin !== undefined && isOwnOrigin(origin, req, publicHost));
    if (!SAFE_METHODS.has(req.method) && origin !== undefined && !sameSite) {
      // A foreign page posting to sign-in or sign-up: refused even without a session.
      throw new AppError(403, 'csrf_rejected');
    }
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie) return;
    const sessionHash = sha256(cookie);
    const found = await findSessionPrincipal(db, sessionHash);
    if (!found) return;
    if (!SAFE_METHODS.has(req.method) && !sameSite) throw new AppError(403, 'csrf_rejected');
    req.principal = { user: found.user, account: found.account, via: 'session', sessionHash };
    // Sliding expiry, written at most about once a day per session.
    const renewAt = found.expiresAt.getTime() - (SESSION_DAYS - 1) * DAY_MS;
    if (Date.now() > renewAt)
      await extendSession(db, sessionHash, new Date(Date.now() + SESSION_DAYS * DAY_MS));
  });
}

function isOwnOrigin(origin: string, req: FastifyRequest, publicHost: string): boolean {
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  return host === publicHost || host === req.host;
}

export function requireUser(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError(401, 'unauthorized');
  return req.principal;
}

export function requireRole(req: FastifyRequest, role: UserRole): Principal {
  const p = requireUser(req);
  if (RANK[p.user.role] < RANK[role]) throw new AppError(403, 'forbidden');
  return p;
}

function secureCookie(req: FastifyRequest, publicUrl: string): boolean {
  return publicUrl.startsWith('https:') || req.protocol === 'https';
}

/** Opens a session for the user and hands the browser its cookie (Secure under https). */
export async function signIn(
  db: Db,
  publicUrl: string,
  req: FastifyRequest,
  reply: FastifyReply,
  userId: string,
) {
  const token = await openSession(db, userId, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookie(req, publicUrl),
    path: '/',
    maxAge: SESSION_DAYS * 86_400,
  });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply, publicUrl: string): void {
  reply.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookie(req, publicUrl),
    path: '/',
  });
}
