/**
 * A contract-faithful fake of the amoCRM (Kommo) REST API v4 for tests and trying Leadtrail by hand.
 * See docs in /work/shared/amocrm-api-v4.md (§17 is the checklist this follows).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Ctx } from './context.js';
import { control } from './control.js';
import { FaultInjector } from './faults.js';
import { nginxPage, problem, type Reply, ReplyError } from './hal.js';
import {
  authenticate,
  expireAccessTokens,
  issueAuthorizationCode,
  issueLongLivedToken,
  type OAuthConfig,
  oauthProblem,
  parseTokenBody,
  revokeToken,
  tokenEndpoint,
} from './oauth.js';
import { RateLimiter } from './rate-limit.js';
import { dispatch } from './routes.js';
import { FakeAmoState } from './state.js';

export interface FakeAmoOptions {
  /** 0 (default) = any free port */
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  subdomain?: string;
  /** per access token (default 7, as amoCRM) */
  rateLimitPerSecond?: number;
  /** whole account (default 50; announced by amoCRM in 2021, unverified) */
  accountRateLimitPerSecond?: number;
  /** 429s within a minute after which the account is blocked (403 HTML) until unblocked (default 20) */
  blockAfterViolations?: number;
  /** HTTP status for a reused/revoked refresh token (default 401, as observed in amocrm-api-php #123) */
  revokedRefreshStatus?: 400 | 401;
  /** seed of the random faults (default 42) */
  seed?: number;
}

export interface FakeAmo {
  /** base URL to give the client instead of https://{subdomain}.amocrm.ru (the new one after a rename) */
  readonly url: string;
  /**
   * The account's subdomain changes: it is served from a new address (returned), and the old one
   * no longer knows it — its token endpoint answers 404 and its API 401 — except for the account
   * host discovery, which the shared API domain keeps answering (docs §1.6).
   */
  rename(subdomain: string): Promise<string>;
  state: FakeAmoState;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** a long-lived token (no refresh) of the admin user unless told otherwise */
  issueLongLivedToken(opts?: { userId?: number; ttlSeconds?: number }): string;
  /** an authorization code (20 min, single use) as the integration modal or the redirect would give */
  authorizationCode(opts?: { userId?: number }): string;
  close(): Promise<void>;
}

export const DEFAULT_CLIENT_ID = '5a3f1b2c-7d4e-4f60-9a81-0c2b3d4e5f60';
export const DEFAULT_CLIENT_SECRET = 'fake-amocrm-client-secret-0123456789abcdef0123456789abcdef';
export const DEFAULT_REDIRECT_URI = 'http://localhost:3000/integrations/amocrm/callback';

const MAX_BODY = 2 * 1024 * 1024;
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startFakeAmo(opts: FakeAmoOptions = {}): Promise<FakeAmo> {
  const state = new FakeAmoState(opts.subdomain ?? 'leadtrail');
  const limiter = new RateLimiter({
    perToken: opts.rateLimitPerSecond ?? 7,
    perAccount: opts.accountRateLimitPerSecond ?? 50,
    blockAfterViolations: opts.blockAfterViolations ?? 20,
    windowMs: 60_000,
  });
  let url = '';
  const cfg: OAuthConfig = {
    clientId: opts.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: opts.clientSecret ?? DEFAULT_CLIENT_SECRET,
    redirectUri: opts.redirectUri ?? DEFAULT_REDIRECT_URI,
    revokedRefreshStatus: opts.revokedRefreshStatus ?? 401,
    apiDomain: () => new URL(url).host,
  };
  const faults = new FaultInjector(
    {
      expireAccessTokens: (all) => expireAccessTokens(state, all),
      block: () => limiter.block(),
      unblock: () => limiter.unblock(),
    },
    opts.seed ?? 42,
  );
  const adminId = state.account.current_user_id;
  const issueLL = (o: { userId?: number; ttlSeconds?: number } = {}) =>
    issueLongLivedToken(cfg, state, o.userId ?? adminId, o.ttlSeconds);
  const code = (o: { userId?: number } = {}) => issueAuthorizationCode(state, o.userId ?? adminId);
  const hanging = new Set<Socket>();

  const send = (res: ServerResponse, reply: Reply) => {
    const headers: Record<string, string> = {
      ...reply.headers,
      'x-request-id': randomBytes(8).toString('hex'),
    };
    if (reply.body !== '') headers['content-length'] = String(Buffer.byteLength(reply.body));
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const retired = retiredPorts.has(req.socket.localPort ?? 0);
    const u = new URL(req.url ?? '/', 'http://fake.invalid');
    const path = u.pathname;
    const base = `http://${req.headers.host ?? new URL(url).host}`;
    const log = (status: number, outcome: string) =>
      state.requests.push({ method, path, query: u.search.slice(1), status, at: Date.now(), outcome });
    const raw = await readBody(req);

    if (path === '/__fake' || path.startsWith('/__fake/')) {
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = null;
      }
      send(
        res,
        control(
          {
            state,
            faults,
            limiter,
            issueLongLivedToken: issueLL,
            authorizationCode: code,
            revoke: (t) => revokeToken(state, t),
          },
          method,
          path,
          body,
        ),
      );
      return;
    }
    const finish = (reply: Reply, outcome: string) => {
      log(reply.status, outcome);
      send(res, reply);
    };
    if (raw === null) return finish(problem(413, 'Request body too large'), 'too-large');
    if (limiter.blocked) return finish(nginxPage(403), 'blocked');
    if (faults.currentDelay > 0) await sleep(faults.currentDelay);
    const isApi = path === '/api/v4' || path.startsWith('/api/v4/');
    const isOauth = path.startsWith('/oauth2/') || path === '/oauth';
    if (isApi || isOauth) {
      const injected = faults.takeFailure(path);
      if (injected) return finish(injected, 'fault');
    }

    if (retired && path !== '/oauth2/account/current/subdomain') {
      if (isApi) return finish(problem(401, 'Account not found'), 'renamed');
      return finish(oauthProblem(404, 'Account not found'), 'renamed');
    }
    if (isOauth) {
      if (path === '/oauth2/access_token') {
        if (method !== 'POST') return finish(problem(405, 'Method not allowed'), 'ok');
        const body = parseTokenBody(raw, req.headers['content-type'] ?? '');
        return finish(tokenEndpoint(cfg, state, body), 'ok');
      }
      if (path === '/oauth2/account/current/subdomain' && method === 'GET') {
        const rt = req.headers['x-refresh-token'];
        const rec = typeof rt === 'string' ? state.refreshTokens.get(rt) : undefined;
        if (!rec || rec.revoked) return finish(oauthProblem(401, 'Token has been revoked'), 'ok');
        const host = new URL(url).host;
        return finish(
          {
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              id: state.account.id,
              subdomain: state.account.subdomain,
              domain: host,
              top_level_domain: 'ru',
            }),
          },
          'ok',
        );
      }
      if (path === '/oauth' && method === 'GET') {
        // The consent screen, already "allowed": redirect to the integration's redirect URI with a code.
        if (u.searchParams.get('client_id') !== cfg.clientId)
          return finish(problem(400, 'Unknown client_id'), 'ok');
        const target = new URL(cfg.redirectUri);
        target.searchParams.set('code', code());
        target.searchParams.set('referer', new URL(url).host);
        const st = u.searchParams.get('state');
        if (st !== null) target.searchParams.set('state', st);
        target.searchParams.set('platform', '1');
        log(302, 'ok');
        res.writeHead(302, { location: target.toString() });
        res.end();
        return;
      }
      return finish(problem(404, 'Not Found'), 'ok');
    }
    if (!isApi) return finish(problem(404, 'Not Found'), 'ok');

    const auth = req.headers.authorization;
    const verdict = limiter.check(auth ?? `ip:${req.socket.remoteAddress ?? ''}`);
    if (verdict === 'blocked') return finish(nginxPage(403), 'blocked');
    if (verdict === 'limited') return finish(nginxPage(429), 'rate-limited');
    const userId = authenticate(state, auth);
    if (typeof userId !== 'number') return finish(userId, 'unauthorized');
    const isWrite = WRITE_METHODS.has(method);
    if (isWrite && faults.isPaymentRequired)
      return finish(problem(402, 'Payment Required'), 'payment-required');
    let body: unknown = null;
    if (isWrite && raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        return finish(problem(400, 'Request body is not valid JSON'), 'ok');
      }
    }
    const ctx: Ctx = { state, method, path, query: u.searchParams, base, body, userId };
    let reply: Reply;
    try {
      reply = dispatch(ctx);
    } catch (e) {
      if (e instanceof ReplyError) reply = e.reply;
      else throw e;
    }
    if (isWrite && reply.status < 300) {
      const lost = faults.takeWriteTimeout();
      if (lost === 'destroy') {
        log(0, 'timeout-after-write:destroy');
        req.socket.destroy();
        return;
      }
      if (lost === 'hang') {
        log(0, 'timeout-after-write:hang');
        hanging.add(req.socket);
        req.socket.once('close', () => hanging.delete(req.socket));
        return;
      }
    }
    finish(reply, 'ok');
  };

  const retiredPorts = new Set<number>();
  const servers: ReturnType<typeof createServer>[] = [];
  const listen = async (port: number): Promise<string> => {
    const server = createServer((req, res) => {
      handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) send(res, problem(500, e instanceof Error ? e.message : 'Internal error'));
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, opts.host ?? '127.0.0.1', () => resolve());
    });
    servers.push(server);
    const addr = server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `http://${host}:${addr.port}`;
  };
  url = await listen(opts.port ?? 0);

  return {
    get url() {
      return url;
    },
    async rename(subdomain: string) {
      retiredPorts.add(Number(new URL(url).port));
      state.account.subdomain = subdomain;
      url = await listen(0);
      return url;
    },
    state,
    faults,
    rateLimiter: limiter,
    clientId: cfg.clientId,
    clientSecret: cfg.clientSecret,
    redirectUri: cfg.redirectUri,
    issueLongLivedToken: issueLL,
    authorizationCode: code,
    close: async () => {
      for (const s of hanging) s.destroy();
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve, reject) => {
              server.close((err) => (err ? reject(err) : resolve()));
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
