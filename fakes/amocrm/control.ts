/** `/__fake/…`: inspection and fault control over HTTP, for a by-hand user or another process. */
import type { FailSpec, FaultInjector, FaultStatus, TimeoutMode } from './faults.js';
import { json, type Reply } from './hal.js';
import type { RateLimiter } from './rate-limit.js';
import type { FakeAmoState } from './state.js';
import type { Json } from './types.js';
import { isInt, isObject } from './types.js';

export interface ControlDeps {
  state: FakeAmoState;
  faults: FaultInjector;
  limiter: RateLimiter;
  issueLongLivedToken(opts: { userId?: number; ttlSeconds?: number }): string;
  authorizationCode(opts: { userId?: number }): string;
  revoke(token: string): boolean;
}

const HELP = {
  'GET /__fake/state':
    'state dump (entities, links, notes, tags, fields, oauth counters, last requests, faults)',
  'GET /__fake/requests': 'request log',
  'POST /__fake/faults': [
    '{"op":"failNext","count":1,"status":500,"body?":"…","contentType?":"…","pathPrefix?":"/api/v4/leads"}',
    '{"op":"failRandom","ratio":0.2,"statuses":[502,504],"seed?":1}',
    '{"op":"timeoutAfterWrite","count":1} | {"op":"timeoutAfterWrite","ratio":0.5,"mode":"hang"}',
    '{"op":"delay","ms":500}',
    '{"op":"paymentRequired","on":true}',
    '{"op":"expireAccessTokens","includeLongLived?":false}',
    '{"op":"block"} | {"op":"unblock"} | {"op":"reset"}',
    '{"op":"duplicateControl","on":true} (complex creates merge into an existing lead by e-mail/phone)',
    'or an array of these',
  ],
  'POST /__fake/tokens/long-lived': '{"user_id?":8100001,"ttl_seconds?":86400} → {"access_token"}',
  'POST /__fake/oauth/code': '{"user_id?":8100001} → {"code"}',
  'POST /__fake/oauth/revoke': '{"token":"…"} → revokes an access, long-lived or refresh token',
  'POST /__fake/clock': '{"advance_seconds":1200} → moves the fake clock',
};

function applyOp(d: ControlDeps, op: Record<string, unknown>): string | null {
  const num = (k: string, dflt: number) => (typeof op[k] === 'number' ? (op[k] as number) : dflt);
  switch (op.op) {
    case 'failNext': {
      const status = op.status;
      if (!isInt(status)) return 'status is required';
      const spec: FailSpec = { status: status as FaultStatus };
      if (typeof op.body === 'string') spec.body = op.body;
      if (typeof op.contentType === 'string') spec.contentType = op.contentType;
      if (typeof op.pathPrefix === 'string') spec.pathPrefix = op.pathPrefix;
      d.faults.failNext(num('count', 1), spec);
      return null;
    }
    case 'failRandom': {
      const statuses = Array.isArray(op.statuses) ? op.statuses.filter(isInt) : [];
      d.faults.failRandom(num('ratio', 0), statuses as FaultStatus[], num('seed', 42));
      return null;
    }
    case 'timeoutAfterWrite': {
      const mode: TimeoutMode = op.mode === 'hang' ? 'hang' : 'destroy';
      if (isInt(op.count)) d.faults.timeoutAfterWrite({ count: op.count }, mode);
      else d.faults.timeoutAfterWrite({ ratio: num('ratio', 0) }, mode, num('seed', 42));
      return null;
    }
    case 'delay':
      d.faults.delay(num('ms', 0));
      return null;
    case 'paymentRequired':
      d.faults.paymentRequired(op.on !== false);
      return null;
    case 'expireAccessTokens':
      d.faults.expireAccessTokens(op.includeLongLived === true);
      return null;
    case 'duplicateControl':
      d.state.duplicateControl = op.on !== false;
      return null;
    case 'block':
      d.faults.block();
      return null;
    case 'unblock':
      d.faults.unblock();
      return null;
    case 'reset':
      d.faults.reset();
      return null;
    default:
      return `unknown op ${String(op.op)}`;
  }
}

export function control(d: ControlDeps, method: string, path: string, body: unknown): Reply {
  const obj = isObject(body) ? body : {};
  if (method === 'GET' && (path === '/__fake' || path === '/__fake/')) return json(200, HELP);
  if (method === 'GET' && path === '/__fake/state') {
    const dump = d.state.dump() as Record<string, Json>;
    return json(200, {
      ...dump,
      faults: d.faults.describe() as Json,
      rate_limit: { blocked: d.limiter.blocked, limited_count: d.limiter.limitedCount },
    });
  }
  if (method === 'GET' && path === '/__fake/requests')
    return json(200, d.state.requestLog as unknown as Json);
  if (method === 'POST' && path === '/__fake/faults') {
    const ops = Array.isArray(body) ? body : [body];
    for (const op of ops) {
      const e = isObject(op) ? applyOp(d, op) : 'each op must be an object';
      if (e) return json(400, { error: e });
    }
    return json(200, { ok: true, faults: d.faults.describe() as Json });
  }
  if (method === 'POST' && path === '/__fake/tokens/long-lived') {
    const opts: { userId?: number; ttlSeconds?: number } = {};
    if (isInt(obj.user_id)) opts.userId = obj.user_id;
    if (isInt(obj.ttl_seconds)) opts.ttlSeconds = obj.ttl_seconds;
    return json(200, { access_token: d.issueLongLivedToken(opts) });
  }
  if (method === 'POST' && path === '/__fake/oauth/code') {
    return json(200, { code: d.authorizationCode(isInt(obj.user_id) ? { userId: obj.user_id } : {}) });
  }
  if (method === 'POST' && path === '/__fake/oauth/revoke') {
    return json(200, { revoked: typeof obj.token === 'string' && d.revoke(obj.token) });
  }
  if (method === 'POST' && path === '/__fake/clock') {
    d.state.advanceTime(typeof obj.advance_seconds === 'number' ? obj.advance_seconds : 0);
    return json(200, { now: d.state.now() });
  }
  return json(404, { error: 'unknown control endpoint', help: HELP });
}
