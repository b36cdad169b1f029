/** `/__fake/…` of the fake VK Ads: the common endpoints plus its fault ops and seeding. */
import { type ControlSpec, control as commonControl, intOf, isStatRow } from '../common/control.js';
import { type FakeClock, isObject, json, type Reply } from '../common/http.js';
import type { VkFaults } from './faults.js';
import type { RateLimiter } from './rate-limit.js';
import type { RequestLogEntry } from './server.js';
import type { DayStat, ObjectStatus, VkState } from './state.js';

export interface ControlDeps {
  state: VkState;
  faults: VkFaults;
  clock: FakeClock;
  limiter: RateLimiter;
  requests: RequestLogEntry[];
}

const HELP = {
  'POST /__fake/faults': [
    '{"op":"failNext","count":1,"status":500|503|429,"pathPrefix?":"/api/v2/statistics","retryAfter?":1}',
    '{"op":"revokeTokens","userId?":1000001} | {"op":"expireTokens"} | {"op":"blockUser","userId":1000001}',
    '{"op":"limits","rps":10,"hourly":10000,"daily":100000}',
  ],
  'POST /__fake/users':
    '{"username":"shop2","type?":"advertiser","currency?":"RUB","client?":{"id":"…","secret":"…"}}',
  'POST /__fake/ad_plans': '{"userId":1000001,"id":1,"name":"…","status":"active"}',
  'POST /__fake/ad_groups': '{"id":2,"adPlanId":1,"name":"…","status":"active"}',
  'POST /__fake/stats':
    '{"rows":[{"date":"2026-03-01","adGroupId":2,"shows":100,"clicks":3,"spentCents":4550}]}',
};

const STATUSES = new Set<unknown>(['active', 'blocked', 'deleted']);

function applyFault(d: ControlDeps, op: Record<string, unknown>): string | null {
  const int = (k: string, dflt: number) => intOf(op, k, dflt);
  switch (op.op) {
    case 'failNext': {
      if (op.status !== 429 && op.status !== 500 && op.status !== 503)
        return 'status must be 429, 500 or 503';
      d.faults.failNext(int('count', 1), {
        status: op.status,
        ...(typeof op.pathPrefix === 'string' ? { pathPrefix: op.pathPrefix } : {}),
        ...(Number.isInteger(op.retryAfter) ? { retryAfter: op.retryAfter as number } : {}),
      });
      return null;
    }
    case 'revokeTokens':
      d.faults.revokeAll(d.state, Number.isInteger(op.userId) ? (op.userId as number) : undefined);
      return null;
    case 'expireTokens':
      d.faults.expireAll(d.state, d.clock.now());
      return null;
    case 'blockUser': {
      const u = d.state.users.get(int('userId', 0));
      if (!u) return 'unknown userId';
      u.status = 'blocked';
      return null;
    }
    case 'limits':
      d.limiter.limits = {
        rps: int('rps', d.limiter.limits.rps),
        hourly: int('hourly', d.limiter.limits.hourly),
        daily: int('daily', d.limiter.limits.daily),
      };
      return null;
    default:
      return `unknown op ${String(op.op)}`;
  }
}

const isDayStat = (r: unknown): r is DayStat => isStatRow(r, ['adGroupId', 'shows', 'clicks', 'spentCents']);

function seedOp(d: ControlDeps, path: string, b: Record<string, unknown>): Reply {
  const name = typeof b.name === 'string' ? b.name : '';
  const status = (STATUSES.has(b.status) ? b.status : 'active') as ObjectStatus;
  if (path === '/__fake/users') {
    if (typeof b.username !== 'string') return json(400, { error: 'username is required' });
    const c = isObject(b.client) && typeof b.client.id === 'string' && typeof b.client.secret === 'string';
    const u = d.state.addUser(b.username, {
      ...(b.type === 'agency' ? { type: 'agency' as const } : {}),
      ...(typeof b.currency === 'string' ? { currency: b.currency } : {}),
      ...(Number.isInteger(b.agencyId) ? { agencyId: b.agencyId as number } : {}),
      ...(c ? { client: b.client as { id: string; secret: string } } : {}),
    });
    return json(200, u);
  }
  if (path === '/__fake/ad_plans') {
    if (!Number.isInteger(b.userId) || !Number.isInteger(b.id))
      return json(400, { error: 'userId and id are required' });
    return json(200, d.state.addAdPlan(b.userId as number, { id: b.id as number, name, status }));
  }
  if (path === '/__fake/ad_groups') {
    if (
      !Number.isInteger(b.adPlanId) ||
      !Number.isInteger(b.id) ||
      !d.state.adPlans.has(b.adPlanId as number)
    )
      return json(400, { error: 'id and an existing adPlanId are required' });
    d.state.addAdGroup({ id: b.id as number, adPlanId: b.adPlanId as number, name, status });
    return json(200, { ok: true });
  }
  const rows = Array.isArray(b.rows) ? b.rows : [];
  if (!rows.every(isDayStat))
    return json(400, { error: 'rows: {date, adGroupId, shows, clicks, spentCents}' });
  d.state.addStats(rows);
  return json(200, { ok: true, rows: rows.length });
}

export function control(d: ControlDeps, method: string, path: string, raw: string): Reply {
  const spec: ControlSpec = {
    help: HELP,
    clock: d.clock,
    state: () => d.state.dump() as object,
    requests: d.requests,
    applyFault: (op) => applyFault(d, op),
    setDelay: (ms) => {
      d.faults.delayMs = ms;
    },
    reset: () => {
      d.faults.reset();
      d.limiter.reset();
    },
    describeFaults: () => d.faults.describe(),
    seed: Object.fromEntries(
      ['users', 'ad_plans', 'ad_groups', 'stats'].map((w) => [
        w,
        (b: Record<string, unknown>) => seedOp(d, `/__fake/${w}`, b),
      ]),
    ),
  };
  return commonControl(spec, method, path, raw);
}
