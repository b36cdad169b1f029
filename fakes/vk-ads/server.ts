/**
 * A contract-faithful fake of the VK Ads API (ads.vk.com) as a cost importer uses it: OAuth2 tokens
 * (client credentials, agency client credentials, refresh, the 5-token cap, deletion), the account,
 * ad plans and ad groups listings, statistics v2 by day, the per-user rate limits and their headers,
 * and the platform's error shapes. Facts: /work/shared/ads-apis.md Part B (B.11 is the checklist);
 * what is modelled and what is not: fakes/vk-ads/README.md.
 */
import { FakeClock, type FakeServing, json, type Reply, serveFake } from '../common/http.js';
import { type ControlDeps, control } from './control.js';
import { tooManyRequests, VkFaults } from './faults.js';
import { list, userInfo } from './listing.js';
import { authenticate, deleteTokens, tokenEndpoint } from './oauth.js';
import { type Limits, RateLimiter } from './rate-limit.js';
import { seedDefault } from './seed.js';
import { VkState } from './state.js';
import { statistics } from './statistics.js';

export interface FakeVkOptions {
  /** 0 (default) = any free port */
  port?: number;
  host?: string;
  /** start with the default world (seed.ts); default true */
  seed?: boolean;
  /** the fake's calendar day (Moscow), `YYYY-MM-DD`; default: today */
  today?: string;
  /** per user; the real values differ per method (defaults: 10 per second, 10,000 per hour, 100,000 per day) */
  limits?: Partial<Limits>;
  /** seconds for a `Retry-After` header on a 429 from the limits (default: none; UNVERIFIED that VK sends it) */
  retryAfterOnLimit?: number;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  query: string;
  status: number;
}

export interface FakeVk extends ControlDeps, FakeServing {}

const notFound = () => json(404, { error: { message: 'Not found', code: 'not_found' } });
const notAllowed = () => json(405, { error: { message: 'Method not allowed', code: 'method_not_allowed' } });

const TOKEN_PATH = '/api/v2/oauth2/token.json';
const DELETE_PATH = '/api/v2/oauth2/token/delete.json';

export async function startFakeVk(opts: FakeVkOptions = {}): Promise<FakeVk> {
  const clock = new FakeClock(opts.today ? Date.parse(`${opts.today}T09:00:00Z`) : null);
  const state = new VkState();
  if (opts.seed !== false) seedDefault(state, clock.today());
  const faults = new VkFaults();
  const limiter = new RateLimiter({ rps: 10, hourly: 10_000, daily: 100_000, ...opts.limits }, () =>
    clock.now(),
  );
  const requests: RequestLogEntry[] = [];

  const api = (method: string, path: string, q: URLSearchParams, auth: string | undefined): Reply => {
    const token = authenticate(state, auth, clock.now());
    if ('body' in token) return token;
    const verdict = limiter.take(token.userId);
    if (!verdict.ok) {
      const headers = { ...verdict.headers };
      if (opts.retryAfterOnLimit !== undefined) headers['Retry-After'] = String(opts.retryAfterOnLimit);
      return tooManyRequests(headers);
    }
    const reply = route(method, path, q, token.userId);
    Object.assign(reply.headers, verdict.headers);
    return reply;
  };

  const route = (method: string, path: string, q: URLSearchParams, userId: number): Reply => {
    if (method !== 'GET') return notAllowed();
    const user = state.users.get(userId);
    if (!user) return notFound();
    if (path === '/api/v2/user.json') return userInfo(user);
    if (path === '/api/v2/ad_plans.json') return list(state, 'ad_plans', userId, q);
    if (path === '/api/v2/ad_groups.json') return list(state, 'ad_groups', userId, q);
    if (path === '/api/v2/throttling.json') return json(200, limiter.throttling(userId));
    if (path.startsWith('/api/v2/statistics/')) return statistics(state, path, q, userId, clock.today());
    return notFound();
  };

  const deps = { state, faults, clock, limiter, requests };
  const serving = await serveFake(
    opts,
    { clock, delayMs: () => faults.delayMs, control: (m, p, raw) => control(deps, m, p, raw) },
    ({ req, method, url, path, raw }) => {
      let reply: Reply;
      if (raw === null)
        reply = json(413, { error: { message: 'Request body is too large', code: 'too_large' } });
      else if (path === TOKEN_PATH || path === DELETE_PATH) {
        const form = new URLSearchParams(raw);
        if (method !== 'POST') reply = notAllowed();
        else if (path === TOKEN_PATH) reply = tokenEndpoint(state, form, clock.now());
        else reply = deleteTokens(state, form);
      } else if (path.startsWith('/api/'))
        reply = faults.takeFailure(path) ?? api(method, path, url.searchParams, req.headers.authorization);
      else reply = notFound();
      requests.push({ at: clock.now(), method, path, query: url.search.slice(1), status: reply.status });
      return reply;
    },
  );
  return { ...deps, ...serving };
}
